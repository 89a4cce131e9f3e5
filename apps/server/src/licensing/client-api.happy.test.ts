import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';

const world = useServer();

describe('seed 000 desktop client flow', () => {
  it('activate → validate → sync with the seed field names', async () => {
    const license = await issueLicense(world.server, world.account);
    const act = await world.server.request('POST', '/api/v1/licensing/activate', {
      body: {
        license_key: license.key,
        device_fingerprint: 'test-device-fingerprint',
        device_info: { device_id: 'test-device-123', platform: 'mac', app_version: '1.0.0' },
      },
    });
    expect(act.status).toBe(200);
    expect(act.body.success).toBe(true);
    expect(typeof act.body.signed_token).toBe('string');
    expect(act.body.subscription_tier).toBe(license.plan_code);
    expect(act.body.tenant_id).toBe(license.customer_id);
    expect(act.body.features).toEqual(['advanced_reporting', 'api_access']);
    expect(new Date(act.body.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect(act.body.activation_id).toMatch(/^[0-9a-f-]{36}$/);

    const val = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token: act.body.signed_token, device_id: 'test-device-123' },
    });
    expect(val.status).toBe(200);
    expect(val.body).toMatchObject({
      valid: true,
      code: 'VALID',
      subscription_tier: license.plan_code,
      is_in_grace_period: false,
    });
    expect(val.body.days_remaining).toBeGreaterThan(0);
    expect(val.body.features).toContain('advanced_reporting');
    expect(val.body.expires_at).toBe(act.body.expires_at);

    const sync = await world.server.request('POST', '/api/v1/licensing/sync', {
      body: { device_id: 'test-device-123', tenant_id: act.body.tenant_id },
    });
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ success: true, valid: true, subscription_tier: license.plan_code });
  });

  it('re-activating the same device returns the same seat with a fresh token', async () => {
    const license = await issueLicense(world.server, world.account);
    const a = await activate(world.server, license.key, 'dev-same');
    const b = await activate(world.server, license.key, 'dev-same');
    expect(b.status).toBe(200);
    expect(b.body.activation_id).toBe(a.body.activation_id);
    expect(b.body.reused).toBe(true);
    expect(b.body.activations_used).toBe(1);
  });

  it('accepts keys typed in lower case, with spaces, and with confusable characters', async () => {
    const license = await issueLicense(world.server, world.account);
    const sloppy = license.key.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    const res = await activate(world.server, sloppy, 'dev-sloppy');
    expect(res.status).toBe(200);
  });

  it('heartbeat merges metrics, refresh gives a new token, deactivate frees the seat', async () => {
    const license = await issueLicense(world.server, world.account, { max_activations: 1 });
    const a = await activate(world.server, license.key, 'dev-hb');
    const token = a.body.signed_token;
    const hb = await world.server.request('POST', '/api/v1/licensing/heartbeat', {
      body: { token, device_id: 'dev-hb', metrics: { documents: 12 } },
    });
    expect(hb.body).toMatchObject({ valid: true, next_heartbeat_seconds: 3600 });
    const refreshed = await world.server.request('POST', '/api/v1/licensing/refresh', {
      body: { token, device_id: 'dev-hb' },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.signed_token).not.toBe(token);
    const vk = await world.server.request('POST', '/api/v1/licensing/validate-key', {
      body: { license_key: license.key, device_id: 'dev-hb' },
    });
    expect(vk.body).toMatchObject({ valid: true, code: 'VALID', activation_id: a.body.activation_id });

    const off = await world.server.request('POST', '/api/v1/licensing/deactivate', {
      body: { token, device_id: 'dev-hb' },
    });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ success: true, status: 'deactivated' });
    // The seat is free: another device can take it, and the old token no longer validates.
    expect((await activate(world.server, license.key, 'dev-other')).status).toBe(200);
    const after = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token, device_id: 'dev-hb' },
    });
    expect(after.body).toMatchObject({ valid: false, code: 'DEVICE_NOT_ACTIVATED' });

    // Heartbeat metrics reach the seat in the batch flush.
    await expect
      .poll(
        async () =>
          (
            await world.server.ctx.db
              .sql`select usage_metrics from activations where id = ${a.body.activation_id}`
          )[0]!.usage_metrics,
        { timeout: 5000 },
      )
      .toMatchObject({ documents: 12 });
  });

  it('staff see the device on the license and can deactivate it', async () => {
    const license = await issueLicense(world.server, world.account);
    const a = await activate(world.server, license.key, 'dev-staff');
    const token = await world.account.token('support');
    const list = await world.server.request('GET', `/api/v1/licenses/${license.id}/activations`, { token });
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(a.body.activation_id);
    expect(list.body.data[0]).not.toHaveProperty('fingerprint_hash');
    const off = await world.server.request('POST', `/api/v1/activations/${a.body.activation_id}/deactivate`, {
      token,
      body: { reason: 'laptop lost' },
    });
    expect(off.body.status).toBe('deactivated');
    const again = await world.server.request(
      'POST',
      `/api/v1/activations/${a.body.activation_id}/deactivate`,
      {
        token,
      },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('writes events for license and activation changes', async () => {
    const license = await issueLicense(world.server, world.account);
    const a = await activate(world.server, license.key, 'dev-ev');
    const rows = await world.server.ctx.db
      .sql`select type from events where account_id = ${world.account.accountId} and (subject_id = ${license.id} or subject_id = ${a.body.activation_id})`;
    expect(rows.map((r) => r.type)).toEqual(
      expect.arrayContaining(['license.created', 'activation.created']),
    );
  });
});

describe('seed 000 device_info is `any`', () => {
  it('accepts an os object and nested details, bounded; refuses nesting past three levels', async () => {
    const license = await issueLicense(world.server, world.account);
    const activateWith = (device_info: Record<string, unknown>, id: string) =>
      world.server.request('POST', '/api/v1/licensing/activate', {
        body: {
          license_key: license.key,
          device_fingerprint: `fp-${id}`,
          device_info: { device_id: id, ...device_info },
        },
      });
    const nested = await activateWith(
      {
        os: { name: 'Windows', version: '11', build: 22631 },
        gpu: { vendor: 'nvidia', memory_gb: 8 },
        displays: [{ width: 1920, height: 1080 }],
      },
      'nested-info',
    );
    expect(nested.status, JSON.stringify(nested.body)).toBe(200);
    const seat = await world.server.request('GET', `/api/v1/activations/${nested.body.activation_id}`, {
      token: await world.account.token('owner'),
    });
    expect(seat.body.os).toBe('Windows 11');
    expect(seat.body.metadata).toMatchObject({
      os_detail: { name: 'Windows', version: '11', build: 22631 },
      gpu: { vendor: 'nvidia', memory_gb: 8 },
      displays: [{ width: 1920, height: 1080 }],
    });
    const tooDeep = await activateWith({ a: { b: { c: { d: 1 } } } }, 'deep-info');
    expect([tooDeep.status, tooDeep.body.error.code]).toEqual([422, 'INVALID_FIELD']);
  });
});
