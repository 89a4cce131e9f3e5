import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { eventRow } from '../events/record.js';
import type { SeatRequest } from './repository.js';

const world = useServer();

async function licenseRow(maxActivations: number | null) {
  const issued = await issueLicense(world.server, world.account, { max_activations: maxActivations });
  const [row] = await world.server.ctx.db.sql<
    { id: string; version: number; max_activations: number | null }[]
  >`
    select id, version, max_activations from licenses where id = ${issued.id}`;
  return row!;
}

function request(
  license: { id: string; version: number; max_activations: number | null },
  deviceId: string,
  extra = {},
): SeatRequest {
  const id = randomUUID();
  const now = new Date();
  return {
    account_id: world.account.accountId,
    license_id: license.id,
    version: license.version,
    seats: 1,
    ceiling: license.max_activations,
    lease_until: null,
    at: now,
    activation: {
      id,
      device_id: deviceId,
      activation_type: 'online',
      activated_at: now,
      last_heartbeat_at: now,
      ...extra,
    },
    event: eventRow({
      accountId: world.account.accountId,
      type: 'activation.created',
      actor: { type: 'license', id: license.id },
      subject: { type: 'activation', id },
      data: { license_id: license.id, device_id: deviceId },
    }),
  };
}

describe('seat batcher (keyward_take_seats)', () => {
  it('requests sent together each get their own outcome: new seats, the limit, a device twice', async () => {
    const two = await licenseRow(2);
    const open = await licenseRow(null);
    const outcomes = await Promise.all([
      world.server.parts.seats.take(request(two, 'a')),
      world.server.parts.seats.take(request(two, 'b')),
      world.server.parts.seats.take(request(two, 'c')),
      world.server.parts.seats.take(request(open, 'x')),
      world.server.parts.seats.take(request(open, 'x')),
      world.server.parts.seats.take(request(open, 'y')),
    ]);
    const [a, b, c, x1, x2, y] = outcomes;
    expect([a!.outcome, b!.outcome, c!.outcome]).toEqual(['created', 'created', 'limit']);
    expect(c).toMatchObject({ seats_used: 2, max_activations: 2, activation_id: null });
    expect(x1!.outcome).toBe('created');
    expect(x2).toMatchObject({ outcome: 'reused', activation_id: x1!.activation_id });
    expect(y).toMatchObject({ outcome: 'created', seats_used: 2 });

    // Seats, their events and the trigger-kept counters all committed with the batch.
    const counts = await world.server.ctx.db.sql<
      { id: string; active_seats: number; seats: number; events: number }[]
    >`
      select l.id, l.active_seats,
        (select count(*)::int from activations a where a.license_id = l.id and a.status = 'active') as seats,
        (select count(*)::int from events e where e.type = 'activation.created' and e.data->>'license_id' = l.id::text) as events
      from licenses l where l.id in (${two.id}, ${open.id})`;
    for (const row of counts) {
      expect(row.active_seats).toBe(2);
      expect(row.seats).toBe(2);
      expect(row.events).toBe(2);
    }
  });

  it('a license changed since it was read answers stale; another account’s license answers gone', async () => {
    const license = await licenseRow(null);
    const [stale, gone] = await Promise.all([
      world.server.parts.seats.take(request({ ...license, version: license.version - 1 }, 'old')),
      world.server.parts.seats.take({ ...request(license, 'other'), account_id: randomUUID() }),
    ]);
    expect(stale!.outcome).toBe('stale');
    expect(gone!.outcome).toBe('gone');
    const [row] = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from activations where license_id = ${license.id}`;
    expect(row!.n).toBe(0);
  });

  it('one request the database refuses fails alone; the rest of its batch still takes seats', async () => {
    const license = await licenseRow(null);
    const results = await Promise.allSettled([
      world.server.parts.seats.take(request(license, 'good-1')),
      world.server.parts.seats.take(request(license, 'bad', { activation_type: 'teleport' })),
      world.server.parts.seats.take(request(license, 'good-2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.code).toBe('23514'); // check constraint
    const rows = await world.server.ctx.db.sql<{ device_id: string }[]>`
      select device_id from activations where license_id = ${license.id} order by device_id`;
    expect(rows.map((r) => r.device_id)).toEqual(['good-1', 'good-2']);
  });

  it('keeps index plans even when statistics were taken on a nearly empty table (migration 0011)', async () => {
    // A later `create or replace` of the function would silently drop this setting.
    const [fn] = await world.server.ctx.db.sql<{ config: string[] | null }[]>`
      select proconfig as config from pg_proc where proname = 'keyward_take_seats'`;
    expect(fn!.config).toContain('enable_seqscan=off');
    // Statistics from a tiny table, then a batch: still answered correctly.
    await world.server.ctx.db.sql`analyze activations`;
    const license = await licenseRow(1);
    const [first, second] = await Promise.all([
      world.server.parts.seats.take(request(license, 'stats-a')),
      world.server.parts.seats.take(request(license, 'stats-b')),
    ]);
    expect([first!.outcome, second!.outcome]).toEqual(['created', 'limit']);
  });
});
