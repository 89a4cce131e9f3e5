import { describe, expect, it } from 'vitest';
import { issueLicense } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { sweepLapsedLeases } from './service.js';

// A lease renewal rewrites only columns no index holds, so PostgreSQL keeps it on its heap page (a HOT
// update: no new index entry in any of the table's indexes). Both engines, fixed clock.
const clock = new FixedClock();
const world = useServer({ clock });

const floatingSeat = async (device: string) => {
  const license = await issueLicense(
    world.server,
    world.account,
    { max_activations: 2 },
    { license_type: 'concurrent', max_activations: 2 },
  );
  const seat = await world.server.request('POST', '/api/v1/licensing/activate', {
    body: {
      license_key: license.key,
      device_fingerprint: `fp-${device}`,
      device_info: { device_id: device, platform: 'linux', app_version: '1.0.0' },
    },
  });
  expect(seat.status, JSON.stringify(seat.body)).toBe(200);
  return seat.body as { activation_id: string; signed_token: string; lease_expires_at: string };
};

const at = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);

const seatRow = async (id: string) => {
  const [row] = await world.server.ctx.db.sql<
    { leased: boolean; status: string; lease_expires_at: Date; last_heartbeat_at: Date }[]
  >`select leased, status, lease_expires_at, last_heartbeat_at from activations where id = ${id}`;
  return row!;
};

/** The table's HOT updates so far, once this connection's counts have reached the shared statistics. */
async function hotUpdates(): Promise<number> {
  const { sql } = world.server.ctx.db;
  await sql`select pg_stat_force_next_flush()`;
  const [row] = await sql<{ hot: string }[]>`
    select n_tup_hot_upd as hot from pg_stat_user_tables where relname = 'activations'`;
  return Number(row!.hot);
}

describe('lease renewals', () => {
  it('no index on activations holds a column a renewal writes', async () => {
    const indexes = await world.server.ctx.db.sql<{ indexdef: string }[]>`
      select indexdef from pg_indexes where tablename = 'activations'`;
    expect(indexes.length).toBeGreaterThan(5);
    for (const { indexdef } of indexes) expect(indexdef).not.toMatch(/lease_expires_at|updated_at/);
  });

  it('renews a live lease in place, refuses a released one, and the sweep finds lapsed leases', async () => {
    clock.set('2026-03-02T09:00:00Z');
    const seat = await floatingSeat('renewed');
    expect(await seatRow(seat.activation_id)).toMatchObject({ leased: true, status: 'active' });
    const { leases } = world.server.parts;

    clock.set('2026-03-02T09:10:00Z');
    const before = await hotUpdates();
    for (const t of ['09:25', '09:26', '09:27'])
      expect(await leases.renew({ activationId: seat.activation_id, until: at(t) })).toBe(true);
    // Statistics arrive a little after the writes: wait for the three renewals, all of them HOT.
    let hot = await hotUpdates();
    for (let i = 0; i < 50 && hot < before + 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      hot = await hotUpdates();
    }
    expect(hot - before).toBeGreaterThanOrEqual(3);
    // Renewals of one seat sent together (one batch): the latest end wins, whatever their order.
    const together = ['09:30', '09:32', '09:31'].map((t) =>
      leases.renew({ activationId: seat.activation_id, until: at(t) }),
    );
    expect(await Promise.all(together)).toEqual([true, true, true]);
    expect((await seatRow(seat.activation_id)).lease_expires_at).toEqual(at('09:32'));

    // Past its end and unrenewed, the sweep releases it; a renewal then answers false.
    clock.set('2026-03-02T09:33:00Z');
    await sweepLapsedLeases(world.server.ctx);
    expect(await seatRow(seat.activation_id)).toMatchObject({ status: 'expired', leased: true });
    expect(await leases.renew({ activationId: seat.activation_id, until: at('09:48') })).toBe(false);
  });

  it('a heartbeat renews the lease and its time reaches last_heartbeat_at through the usage recorder', async () => {
    clock.set('2026-03-02T10:00:00Z');
    const seat = await floatingSeat('beating');
    clock.set('2026-03-02T10:05:00Z');
    const beat = await world.server.request('POST', '/api/v1/licensing/heartbeat', {
      body: { token: seat.signed_token, device_id: 'beating' },
    });
    expect(beat.body).toMatchObject({ valid: true });
    await world.server.parts.usage.flush();
    const row = await seatRow(seat.activation_id);
    expect(row.lease_expires_at.toISOString()).toBe('2026-03-02T10:20:00.000Z');
    expect(row.last_heartbeat_at.toISOString()).toBe('2026-03-02T10:05:00.000Z');
  });
});
