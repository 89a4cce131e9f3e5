import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue N, one seat is one machine: a device id alone does not open a seat; a regenerated key ends the
// seats taken with the old one; sync without the device's token answers only the verdict and standing.

const world = useServer();

const otherMachine = (key: string, deviceId: string) =>
  activate(world.server, key, deviceId, { device_fingerprint: 'fp-attacker-machine' });
const validate = (token: string, deviceId: string) =>
  world.server.request('POST', '/api/v1/licensing/validate', { body: { token, device_id: deviceId } });

async function eventsOf(licenseId: string, type: string) {
  return world.server.ctx.db.sql<{ subject_id: string; data: { device_id: string } }[]>`
    select subject_id, data from events where account_id = ${world.account.accountId} and type = ${type}
      and data->>'license_id' = ${licenseId}`;
}

describe('a seat matches only the machine that took it', () => {
  it('refuses another fingerprint with the same device id, records it, and keeps the seat its owner’s', async () => {
    const license = await issueLicense(world.server, world.account, { max_activations: 5 });
    const owner = await activate(world.server, license.key, 'shared-id');
    expect(owner.status).toBe(200);

    const copy = await otherMachine(license.key, 'shared-id');
    expect(copy.status).toBe(403);
    expect(copy.body.error.code).toBe('FINGERPRINT_MISMATCH');
    expect(copy.body.error.message).toMatch(/deactivate that seat/);

    const recorded = await eventsOf(license.id, 'activation.fingerprint_mismatch');
    expect(recorded).toEqual([
      { subject_id: owner.body.activation_id, data: expect.objectContaining({ device_id: 'shared-id' }) },
    ]);
    const seats = await world.server.ctx.db.sql`
      select 1 from activations where license_id = ${license.id} and status = 'active'`;
    expect(seats).toHaveLength(1);

    const again = await activate(world.server, license.key, 'shared-id');
    expect([again.status, again.body.reused, again.body.activation_id]).toEqual([
      200,
      true,
      owner.body.activation_id,
    ]);
  });

  it('lets exactly one of two machines racing with one device id take the seat', async () => {
    const license = await issueLicense(world.server, world.account, { max_activations: 5 });
    const results = await Promise.all([
      activate(world.server, license.key, 'raced-id'),
      otherMachine(license.key, 'raced-id'),
      activate(world.server, license.key, 'raced-id'),
      otherMachine(license.key, 'raced-id'),
    ]);
    const codes = results.map((r) => (r.status === 200 ? 'OK' : r.body.error.code)).sort();
    // Whichever machine came first holds the seat; the other's two requests are refused.
    expect(codes).toEqual(['FINGERPRINT_MISMATCH', 'FINGERPRINT_MISMATCH', 'OK', 'OK']);
    const seatIds = new Set(results.filter((r) => r.status === 200).map((r) => r.body.activation_id));
    expect(seatIds.size).toBe(1);
  });
});

describe('a regenerated key ends the seats taken with the old one', () => {
  it('ends them by default and says how many; the old token is refused', async () => {
    const license = await issueLicense(world.server, world.account, { max_activations: 3 });
    const seat = await activate(world.server, license.key, 'regen-1');
    await activate(world.server, license.key, 'regen-2');
    const owner = await world.account.token('owner');
    const regen = await world.server.request('POST', `/api/v1/licenses/${license.id}/regenerate-key`, {
      token: owner,
    });
    expect(regen.status).toBe(200);
    expect(regen.body.seats_ended).toBe(2);
    expect(regen.body.key).not.toBe(license.key);

    const old = await validate(seat.body.signed_token, 'regen-1');
    expect(old.body).toMatchObject({ valid: false, code: 'DEVICE_NOT_ACTIVATED' });
    const refresh = await world.server.request('POST', '/api/v1/licensing/refresh', {
      body: { token: seat.body.signed_token, device_id: 'regen-1' },
    });
    expect(refresh.status).toBeGreaterThanOrEqual(400);
    const [event] = await world.server.ctx.db.sql<{ data: { seats_ended: number } }[]>`
      select data from events where subject_id = ${license.id} and type = 'license.key_regenerated'`;
    expect(event!.data.seats_ended).toBe(2);
    // The new key activates afresh.
    expect((await activate(world.server, regen.body.key, 'regen-1')).status).toBe(200);
  });

  it('keeps them when asked to, and says so', async () => {
    const license = await issueLicense(world.server, world.account);
    const seat = await activate(world.server, license.key, 'regen-keep');
    const regen = await world.server.request('POST', `/api/v1/licenses/${license.id}/regenerate-key`, {
      token: await world.account.token('owner'),
      body: { keep_seats: true },
    });
    expect([regen.status, regen.body.seats_ended]).toEqual([200, 0]);
    expect((await validate(seat.body.signed_token, 'regen-keep')).body.valid).toBe(true);
  });
});

describe('sync without the device token', () => {
  it('answers the verdict and standing only; the license data needs the token', async () => {
    const license = await issueLicense(world.server, world.account);
    const seat = await activate(world.server, license.key, 'sync-device');
    const bare = await world.server.request('POST', '/api/v1/licensing/sync', {
      body: { device_id: 'sync-device', tenant_id: license.customer_id },
    });
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ success: true, valid: true, subscription_tier: license.plan_code });
    for (const field of [
      'license_id',
      'features',
      'limits',
      'entitlements',
      'max_activations',
      'activation_id',
    ])
      expect(bare.body, field).not.toHaveProperty(field);

    const withToken = await world.server.request('POST', '/api/v1/licensing/sync', {
      body: { device_id: 'sync-device', tenant_id: license.customer_id, token: seat.body.signed_token },
    });
    expect(withToken.body).toMatchObject({ success: true, valid: true, license_id: license.id });
    expect(withToken.body.features).toBeInstanceOf(Array);
  });
});
