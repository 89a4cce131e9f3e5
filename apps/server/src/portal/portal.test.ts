import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

const world = useTwoAccountWorld();

describe('customer portal API', () => {
  it('looks a license up by key, shows its devices, and frees a device', async () => {
    const { server, accountA } = world;
    const license = await issueLicense(server, accountA);
    const a = await activate(server, license.key, 'portal-1');
    const look = await server.request('POST', '/api/v1/portal/license-lookup', {
      body: { license_key: license.key },
    });
    expect(look.status).toBe(200);
    expect(look.body.license).toMatchObject({
      status: 'active',
      tier: license.plan_code,
      key_last4: license.key.slice(-4),
    });
    expect(JSON.stringify(look.body)).not.toContain(license.key);
    expect(look.body.devices.map((d: { id: string }) => d.id)).toEqual([a.body.activation_id]);
    const off = await server.request('POST', '/api/v1/portal/deactivate-device', {
      body: { license_key: license.key, activation_id: a.body.activation_id },
    });
    expect(off.body).toMatchObject({ success: true, status: 'deactivated' });
    const after = await server.request('POST', '/api/v1/portal/license-lookup', {
      body: { license_key: license.key },
    });
    expect(after.body.devices).toEqual([]);
  });

  it("refuses unknown keys and another license's devices", async () => {
    const { server, accountA, accountB } = world;
    const unknown = await server.request('POST', '/api/v1/portal/license-lookup', {
      body: { license_key: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ' },
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'LICENSE_NOT_FOUND']);
    const mine = await issueLicense(server, accountA);
    const theirs = await issueLicense(server, accountB);
    const seat = await activate(server, theirs.key, 'portal-2');
    const res = await server.request('POST', '/api/v1/portal/deactivate-device', {
      body: { license_key: mine.key, activation_id: seat.body.activation_id },
    });
    expect([res.status, res.body.error.code]).toEqual([404, 'ACTIVATION_NOT_FOUND']);
  });
});
