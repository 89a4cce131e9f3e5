import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVendorApi } from '../../../../examples/vendor-api/app.js';
import { createApiKeySecret, issueLicense } from '../support/fixtures.js';
import { redisAnswers } from '../support/redis.js';
import { useServer } from '../support/server.js';

const world = useServer();
let apiKey: string;
const warnings: string[] = [];
const logger = { warn: (m: string) => warnings.push(m) };
const apps: Array<{ close: () => Promise<unknown> }> = [];
const redisClients: Redis[] = [];

/** Redis-backed scenarios need a Redis at 127.0.0.1:6379 (CI has one); without it they are skipped. */
const redisUp = await redisAnswers('redis://127.0.0.1:6379');

beforeAll(async () => {
  apiKey = await createApiKeySecret(world.server, world.account, 'developer');
});
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const r of redisClients) r.disconnect();
});

async function vendor(o: Partial<Parameters<typeof createVendorApi>[0]> = {}) {
  const { app } = createVendorApi({ keywardUrl: world.server.url, apiKey, failMode: 'closed', logger, ...o });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return async (method: string, path: string, key?: string) => {
    const res = await fetch(url + path, { method, headers: key ? { 'x-license-key': key } : {} });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
}

const plan = {
  features: [
    { feature_id: 'advanced_reporting', name: 'Reports', enabled: true },
    { feature_id: 'sso', name: 'SSO', enabled: false },
    {
      feature_id: 'exports',
      name: 'Exports',
      enabled: true,
      limit_value: 2,
      limit_type: 'count',
      period: 'day',
    },
  ],
};

describe('vendor API protected by @keyward/enforce', () => {
  it('each denial has the seed 002 status and body', async () => {
    const call = await vendor();
    const license = await issueLicense(world.server, world.account, {}, plan);
    expect(await call('GET', '/reports', license.key)).toMatchObject({
      status: 200,
      body: { report: 'quarterly' },
    });
    expect(await call('GET', '/reports')).toEqual(
      expect.objectContaining({
        status: 403,
        body: { success: false, error: 'License information not found', error_code: 'LICENSE_MISSING' },
      }),
    );
    expect((await call('GET', '/sso', license.key)).body).toEqual({
      success: false,
      error: 'Feature "sso" not available in current license',
      error_code: 'FEATURE_NOT_LICENSED',
      details: { required_feature: 'sso', current_tier: license.plan_code, upgrade_url: '/license/upgrade/' },
    });
    const tier = await call('GET', '/analytics', license.key);
    expect(tier.status).toBe(403);
    expect(tier.body).toEqual({
      success: false,
      error: 'This endpoint requires enterprise tier or higher',
      error_code: 'INSUFFICIENT_LICENSE_TIER',
      details: {
        current_tier: license.plan_code,
        required_tier: 'enterprise',
        upgrade_url: '/license/upgrade/',
      },
    });
    expect(await call('POST', '/exports', license.key)).toMatchObject({ status: 200 });
    expect(await call('POST', '/exports', license.key)).toMatchObject({ status: 200 });
    const over = await call('POST', '/exports', license.key);
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      success: false,
      error: 'License usage limit exceeded',
      error_code: 'USAGE_LIMIT_EXCEEDED',
      details: { limit_type: 'exports', current_usage: 2, limit: 2 },
    });
    const retry = Number(over.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
  });

  it('a suspension in the admin API is enforced by the vendor API within one second', async () => {
    const call = await vendor();
    const license = await issueLicense(world.server, world.account, {}, plan);
    expect((await call('GET', '/reports', license.key)).status).toBe(200);
    await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: await world.account.token(),
      body: { reason: 'chargeback' },
    });
    const suspendedAt = Date.now();
    await expect
      .poll(async () => (await call('GET', '/reports', license.key)).body, { timeout: 1500, interval: 100 })
      .toEqual({
        success: false,
        error: 'License validation failed',
        error_code: 'LICENSE_INVALID',
        details: { code: 'LICENSE_INVALID', reason: expect.any(String) },
      });
    expect(Date.now() - suspendedAt).toBeLessThanOrEqual(1100);
  });

  it.runIf(redisUp)('an hourly per-tenant quota shared through Redis by two instances is exact', async () => {
    const clients = [new Redis('redis://127.0.0.1:6379'), new Redis('redis://127.0.0.1:6379')];
    redisClients.push(...clients);
    const license = await issueLicense(world.server, world.account, {}, plan);
    const one = await vendor({ redis: clients[0], requestsPerHour: 5 });
    const two = await vendor({ redis: clients[1], requestsPerHour: 5 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two)('GET', '/reports', license.key)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(7);
    expect(refused[0]!.body.details).toMatchObject({ limit_type: 'api_requests_per_hour', limit: 5 });
    const retry = Number(refused[0]!.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(3500);
    expect(retry).toBeLessThanOrEqual(3600);
    // The counter is filed under a digest of the tenant, never the license key itself.
    const names = await clients[0]!.keys('kw_enforce_hourly*');
    expect(names.length).toBeGreaterThan(0);
    expect(names.some((n) => n.includes(license.key))).toBe(false);
  });

  it('with Redis unreachable the quota fails open or closed as configured, and says so in the logs', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    dead.on('error', () => {});
    redisClients.push(dead);
    const license = await issueLicense(world.server, world.account, {}, plan);
    warnings.length = 0;
    const open = await vendor({ redis: dead, failMode: 'open' });
    expect((await open('GET', '/reports', license.key)).status).toBe(200);
    expect(warnings.join('\n')).toMatch(/quota store unavailable.*failing open/);
    const closed = await vendor({ redis: dead, failMode: 'closed' });
    const refused = await closed('GET', '/reports', license.key);
    expect(refused.status).toBe(503);
    expect(warnings.join('\n')).toMatch(/failing closed/);
  });

  it('with Keyward unreachable the license check fails open or closed as configured', async () => {
    const license = await issueLicense(world.server, world.account, {}, plan);
    const open = await vendor({ keywardUrl: 'http://127.0.0.1:1', failMode: 'open' });
    expect((await open('GET', '/reports', license.key)).status).toBe(200);
    const closed = await vendor({ keywardUrl: 'http://127.0.0.1:1', failMode: 'closed' });
    expect((await closed('GET', '/reports', license.key)).status).toBe(503);
  });
});
