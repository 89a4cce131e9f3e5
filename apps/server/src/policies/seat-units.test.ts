import { beforeEach, describe, expect, inject, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { sweepLapsedLeases } from '../activations/service.js';

// What a seat is, by license policy: devices, cores, floating leases, overage. Fixed clock, both engines;
// two server processes on one PostgreSQL where the engine allows it.
const clock = new FixedClock();
const twoServers = inject('databaseKind') === 'postgres';
const world = useServer({ clock, servers: twoServers ? 2 : 1 });
beforeEach(() => clock.set('2026-03-02T09:00:00Z'));

const activateWith = (
  key: string,
  device: string,
  info: Record<string, unknown> = {},
  server = world.server,
) =>
  server.request('POST', '/api/v1/licensing/activate', {
    body: {
      license_key: key,
      device_fingerprint: `fp-${device}`,
      device_info: { device_id: device, platform: 'linux', app_version: '1.0.0', ...info },
    },
  });
const heartbeat = (token: string, device: string) =>
  world.server.request('POST', '/api/v1/licensing/heartbeat', { body: { token, device_id: device } });

describe('seats by license policy', () => {
  it('floating: 10 leases, the 11th device is refused until a lease lapses unrenewed', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      { max_activations: 10 },
      { license_type: 'concurrent', max_activations: 10 },
    );
    expect(license).toMatchObject({ license_type: 'concurrent' });
    const tokens: string[] = [];
    for (let i = 0; i < 10; i++) {
      const seat = await activateWith(license.key, `float-${i}`);
      expect(seat.status, JSON.stringify(seat.body)).toBe(200);
      expect(seat.body.lease_expires_at).toBe('2026-03-02T09:15:00.000Z');
      tokens.push(seat.body.signed_token);
    }
    const eleventh = await activateWith(license.key, 'float-10');
    expect(eleventh.status).toBe(403);
    expect(eleventh.body.error.code).toBe('ACTIVATION_LIMIT_REACHED');
    // Ten minutes on, devices 1..9 renew their leases; device 0 has stopped sending heartbeats.
    clock.set('2026-03-02T09:10:00Z');
    for (let i = 1; i < 10; i++)
      expect((await heartbeat(tokens[i]!, `float-${i}`)).body).toMatchObject({
        valid: true,
        next_heartbeat_seconds: 300,
      });
    expect((await activateWith(license.key, 'float-10')).status).toBe(403);
    // Past device 0's window (15 minutes after its last heartbeat) its lease is released and the 11th gets in.
    clock.set('2026-03-02T09:16:00Z');
    const admitted = await activateWith(license.key, 'float-10');
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    expect(admitted.body.activations_used).toBe(10);
    // Device 0 comes back: its lease is gone, it is told so, and the license is full.
    expect((await heartbeat(tokens[0]!, 'float-0')).body).toMatchObject({
      valid: false,
      code: 'LEASE_EXPIRED',
    });
    const validate = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token: tokens[0], device_id: 'float-0' },
    });
    expect(validate.body).toMatchObject({ valid: false, code: 'LEASE_EXPIRED' });
  });

  it.runIf(twoServers)(
    'floating: 50 parallel checkouts through 2 processes never exceed 10 leases',
    async () => {
      const license = await issueLicense(
        world.server,
        world.account,
        {},
        { license_type: 'concurrent', max_activations: 10 },
      );
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          activateWith(license.key, `race-${i}`, {}, world.servers[i % 2]!),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(10);
      expect(results.filter((r) => r.body.error?.code === 'ACTIVATION_LIMIT_REACHED')).toHaveLength(40);
      const [row] = await world.server.ctx.db.sql<{ n: number; seats: number }[]>`
      select count(*)::int as n, (select active_seats from licenses where id = ${license.id}) as seats
      from activations where license_id = ${license.id} and status = 'active'`;
      expect(row).toEqual({ n: 10, seats: 10 });
    },
  );

  it('per core: an 8-core device on a 16-core license leaves 8; a 16-core device is then refused', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      {},
      { license_model: 'per_core', max_activations: 16 },
    );
    const first = await activateWith(license.key, 'core-8', { cpu_cores: 8 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.activations_used).toBe(8);
    const big = await activateWith(license.key, 'core-16', { cpu_cores: 16 });
    expect(big.status).toBe(403);
    expect(big.body.error).toMatchObject({
      code: 'ACTIVATION_LIMIT_REACHED',
      details: { max_activations: 16, active_activations: 8, seats_needed: 16 },
    });
    expect((await activateWith(license.key, 'core-8b', { cpu_cores: 8 })).body.activations_used).toBe(16);
  });

  it('overage 1.5× on 10 seats admits 15 with a warning and an event, and refuses the 16th', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      {},
      { max_activations: 10, policy: { overage: '1.5x' } },
    );
    for (let i = 0; i < 10; i++)
      expect((await activate(world.server, license.key, `ov-${i}`)).body.warnings).toEqual([]);
    for (let i = 10; i < 15; i++) {
      const over = await activate(world.server, license.key, `ov-${i}`);
      expect(over.status).toBe(200);
      expect(over.body.warnings).toEqual([
        { code: 'SEAT_OVERAGE', message: expect.stringContaining(`${i + 1} seats`) },
      ]);
    }
    const sixteenth = await activate(world.server, license.key, 'ov-15');
    expect(sixteenth.status).toBe(403);
    expect(sixteenth.body.error.code).toBe('ACTIVATION_LIMIT_REACHED');
    const events = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from events where account_id = ${world.account.accountId}
        and type = 'license.overage' and data->>'license_id' = ${license.id}`;
    expect(events[0]!.n).toBe(5);
  });

  it('site: devices are listed but nothing is counted', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      {},
      { license_model: 'site', max_activations: 1 },
    );
    for (const d of ['site-a', 'site-b', 'site-c']) {
      const seat = await activate(world.server, license.key, d);
      expect(seat.status, JSON.stringify(seat.body)).toBe(200);
      expect(seat.body.activations_used).toBe(0);
    }
  });

  it('floating with revival: a released lease comes back within the window if there is room', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      {},
      { license_type: 'concurrent', max_activations: 2, policy: { lease_revival_minutes: 10 } },
    );
    const a = await activateWith(license.key, 'rev-a');
    await activateWith(license.key, 'rev-b');
    clock.set('2026-03-02T09:14:00Z');
    const bRenewed = await world.server.request('POST', '/api/v1/licensing/heartbeat', {
      body: { token: (await activateWith(license.key, 'rev-b')).body.signed_token, device_id: 'rev-b' },
    });
    expect(bRenewed.body.valid).toBe(true);
    // Device a lapsed at 09:15; the sweep releases it.
    clock.set('2026-03-02T09:20:00Z');
    await sweepLapsedLeases(world.server.ctx);
    // Within 10 minutes of its release it comes back: room for it, same seat.
    expect((await heartbeat(a.body.signed_token, 'rev-a')).body).toMatchObject({
      valid: true,
      code: 'VALID',
    });
    // Past the window a released lease stays released.
    clock.set('2026-03-02T09:45:00Z');
    await sweepLapsedLeases(world.server.ctx);
    clock.set('2026-03-02T09:56:00Z');
    expect((await heartbeat(a.body.signed_token, 'rev-a')).body).toMatchObject({
      valid: false,
      code: 'LEASE_EXPIRED',
    });
  });

  it("device uniqueness per product: a machine holds one seat among the product's licenses", async () => {
    const owner = await world.account.token('owner');
    const product = await world.server.request('POST', '/api/v1/products', {
      token: owner,
      body: { code: `uniq-${Date.now()}`, name: 'Uniq' },
    });
    const plan = { product_id: product.body.id, policy: { device_uniqueness: 'per_product' } };
    const first = await issueLicense(world.server, world.account, {}, plan);
    const second = await issueLicense(world.server, world.account, {}, plan);
    expect((await activateWith(first.key, 'uniq-1')).status).toBe(200);
    const taken = await activateWith(second.key, 'uniq-1');
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'DEVICE_ALREADY_ACTIVATED' });
    // The default (per license) lets the machine hold a seat of another license.
    const other = await issueLicense(world.server, world.account);
    expect((await activateWith(other.key, 'uniq-1')).status).toBe(200);
  });

  it('device matching by components: a changed fingerprint keeps the seat when 2 of 3 components agree', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      {},
      { max_activations: 1, policy: { device_matching: 'components', components_required: 2 } },
    );
    const parts = { disk: 'S3Z9NB0K', board: 'MB-4411', mac: '00:1a:2b:3c:4d:5e' };
    const seat = (fingerprint: string, components: Record<string, string>) =>
      world.server.request('POST', '/api/v1/licensing/activate', {
        body: {
          license_key: license.key,
          device_fingerprint: fingerprint,
          device_info: { device_id: 'comp-1', platform: 'linux', components },
        },
      });
    const original = await seat('fp-original', parts);
    expect(original.status).toBe(200);
    // A new network card changes the fingerprint; disk and board still match.
    const again = await seat('fp-new-nic', { ...parts, mac: '00:aa:bb:cc:dd:ee' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ activation_id: original.body.activation_id, reused: true });
    // Another machine claiming the device id with one matching component is refused.
    const clone = await seat('fp-clone', { disk: 'OTHER', board: 'MB-4411', mac: 'ff:ff:ff:ff:ff:ff' });
    expect(clone.status).toBe(403);
    expect(clone.body.error.code).toBe('FINGERPRINT_MISMATCH');
  });
});
