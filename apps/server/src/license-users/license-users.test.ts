import { describe, expect, inject, it } from 'vitest';
import { issueLicense } from '../../test/support/fixtures.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

// Named-user licenses (issue H): seats belong to users staff assign; each user's devices activate with
// `user`, up to the policy's devices_per_user.
const twoServers = inject('databaseKind') === 'postgres';
const world = useTwoAccountWorld({ servers: twoServers ? 2 : 1 });

async function namedLicense(maxUsers: number, policy: Record<string, unknown> = {}) {
  return issueLicense(
    world.server,
    world.accountA,
    {},
    { license_type: 'named_user', max_activations: maxUsers, policy: { devices_per_user: 2, ...policy } },
  );
}
const assign = async (licenseId: string, user: string, server = world.server) =>
  server.request('POST', `/api/v1/licenses/${licenseId}/users`, {
    token: await world.accountA.token('sales'),
    body: { user },
  });
const activateAs = (key: string, device: string, user?: string) =>
  world.server.request('POST', '/api/v1/licensing/activate', {
    body: {
      license_key: key,
      device_fingerprint: `fp-${device}`,
      device_info: { device_id: device, platform: 'mac', app_version: '3.0.0' },
      ...(user ? { user } : {}),
    },
  });

describe('named users', () => {
  it('assigned users activate their devices, up to the per-user limit; unassigning ends them', async () => {
    const license = await namedLicense(2);
    const ana = await assign(license.id, 'ana@example.com');
    expect(ana.status, JSON.stringify(ana.body)).toBe(201);
    expect(ana.body).toMatchObject({ user: { user: 'ana@example.com', devices: 0 }, warnings: [] });
    expect((await assign(license.id, 'ANA@example.com')).body.error.code).toBe('ALREADY_EXISTS');
    expect((await assign(license.id, 'ben@example.com')).status).toBe(201);
    const third = await assign(license.id, 'cy@example.com');
    expect(third.status).toBe(403);
    expect(third.body.error).toMatchObject({
      code: 'ACTIVATION_LIMIT_REACHED',
      details: { max_activations: 2 },
    });

    const anonymous = await activateAs(license.key, 'anon-1');
    expect(anonymous.status).toBe(422);
    expect(anonymous.body.error).toMatchObject({ code: 'MISSING_FIELD', details: { pointer: '/body/user' } });
    expect((await activateAs(license.key, 'cy-1', 'cy@example.com')).body.error.code).toBe(
      'LICENSE_USER_NOT_ASSIGNED',
    );
    const first = await activateAs(license.key, 'ana-1', 'Ana@Example.com');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect((await activateAs(license.key, 'ana-2', 'ana@example.com')).status).toBe(200);
    const over = await activateAs(license.key, 'ana-3', 'ana@example.com');
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({
      code: 'ACTIVATION_LIMIT_REACHED',
      details: { devices_per_user: 2 },
    });
    expect((await activateAs(license.key, 'ben-1', 'ben@example.com')).status).toBe(200);

    const list = await world.server.request('GET', `/api/v1/licenses/${license.id}/users`, {
      token: await world.accountA.token('read_only'),
    });
    expect(list.body.data.map((u: { user: string; devices: number }) => [u.user, u.devices])).toEqual([
      ['ana@example.com', 2],
      ['ben@example.com', 1],
    ]);
    const gone = await world.server.request(
      'DELETE',
      `/api/v1/licenses/${license.id}/users/${ana.body.user.id}`,
      {
        token: await world.accountA.token('sales'),
      },
    );
    expect(gone.body).toEqual({ success: true, devices_ended: 2 });
    const validate = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token: first.body.signed_token, device_id: 'ana-1' },
    });
    expect(validate.body).toMatchObject({ valid: false, code: 'DEVICE_NOT_ACTIVATED' });
    // Her seat is free again.
    expect((await assign(license.id, 'cy@example.com')).status).toBe(201);
  });

  it('overage 1.5× on 2 named seats assigns a third with a warning and refuses a fourth', async () => {
    const license = await namedLicense(2, { overage: '1.5x' });
    for (const u of ['a@x.com', 'b@x.com']) expect((await assign(license.id, u)).body.warnings).toEqual([]);
    const third = await assign(license.id, 'c@x.com');
    expect(third.status).toBe(201);
    expect(third.body.warnings).toEqual([{ code: 'SEAT_OVERAGE', message: expect.any(String) }]);
    expect((await assign(license.id, 'd@x.com')).status).toBe(403);
  });

  it.runIf(twoServers)('10 parallel assignments through 2 processes fill 5 seats exactly', async () => {
    const license = await namedLicense(5);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => assign(license.id, `u${i}@x.com`, world.servers[i % 2])),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 403)).toHaveLength(5);
  });

  it('is scoped by account and only for named-user licenses', async () => {
    const license = await namedLicense(1);
    const foreign = await world.server.request('POST', `/api/v1/licenses/${license.id}/users`, {
      token: await world.accountB.token('owner'),
      body: { user: 'x@example.com' },
    });
    expect(foreign.status).toBe(404);
    const perDevice = await issueLicense(world.server, world.accountA);
    const wrong = await assign(perDevice.id, 'x@example.com');
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      details: { seat_unit: 'devices' },
    });
    const readOnly = await world.server.request('POST', `/api/v1/licenses/${license.id}/users`, {
      token: await world.accountA.token('read_only'),
      body: { user: 'x@example.com' },
    });
    expect(readOnly.status).toBe(403);
  });
});
