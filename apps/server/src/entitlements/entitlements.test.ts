import { beforeEach, describe, expect, inject, it } from 'vitest';
import { activate, EXPORTS_QUOTA, issueLicense } from '../../test/support/fixtures.js';
import { FixedClock, useTwoAccountWorld } from '../../test/support/server.js';
import { licenseAlerts, licenseRecommendations, type UsageLine } from './status-rules.js';

const clock = new FixedClock();
// Two servers with their own pools share PostgreSQL, as two processes would (embedded takes one connection).
const twoServers = inject('databaseKind') === 'postgres';
const world = useTwoAccountWorld({ clock, servers: twoServers ? 2 : 1, demo: true });
beforeEach(() => clock.set('2026-01-15T12:30:00Z'));

const quotaPlan = {
  features: [
    EXPORTS_QUOTA,
    { feature_id: 'reports', name: 'Reports', enabled: true },
    { feature_id: 'sso', name: 'SSO', enabled: false },
  ],
};
const check = async (body: Record<string, unknown>, acct = world.accountA, server = world.server) =>
  (await server.request('POST', '/api/v1/entitlements/check', { token: await acct.token('developer'), body }))
    .body;

describe('entitlement checks', () => {
  it('answers every code as an outcome', async () => {
    const license = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    expect(await check({ license_key: license.key, feature: 'reports' })).toMatchObject({
      allowed: true,
      code: 'ALLOWED',
      tier: license.plan_code,
      tier_rank: 2,
    });
    expect(await check({ license_key: license.key, feature: 'sso' })).toMatchObject({
      allowed: false,
      code: 'FEATURE_NOT_LICENSED',
    });
    expect(await check({ license_key: license.key, feature: 'nope' })).toMatchObject({
      allowed: false,
      code: 'FEATURE_NOT_LICENSED',
    });
    expect(await check({ license_key: license.key, min_tier: 'enterprise' })).toMatchObject({
      allowed: false,
      code: 'INSUFFICIENT_LICENSE_TIER',
    });
    expect(await check({ license_key: license.key, min_tier: 1 })).toMatchObject({ allowed: true });
    expect(await check({ license_key: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ' })).toMatchObject({
      allowed: false,
      code: 'LICENSE_MISSING',
    });
    // Another account's key is as good as unknown.
    expect(await check({ license_key: license.key }, world.accountB)).toMatchObject({
      allowed: false,
      code: 'LICENSE_MISSING',
    });
    expect(await check({ customer_id: license.customer_id, feature: 'reports' })).toMatchObject({
      allowed: true,
      license_id: license.id,
    });
    await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: await world.accountA.token('owner'),
      body: {},
    });
    expect(await check({ license_key: license.key, feature: 'reports' })).toMatchObject({
      allowed: false,
      code: 'LICENSE_INVALID',
    });
  });

  it('meters quota per period with reset_at, and refuses over-quota consumption', async () => {
    const license = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    const first = await check({ license_key: license.key, feature: 'exports', consume: 45 });
    expect(first).toMatchObject({
      allowed: true,
      limit: 50,
      used: 45,
      remaining: 5,
      reset_at: '2026-01-15T13:00:00.000Z',
    });
    expect(await check({ license_key: license.key, feature: 'exports', consume: 10 })).toMatchObject({
      allowed: false,
      code: 'USAGE_LIMIT_EXCEEDED',
      used: 45,
    });
    expect(await check({ license_key: license.key, feature: 'exports', consume: 5 })).toMatchObject({
      allowed: true,
      used: 50,
      remaining: 0,
    });
    expect(await check({ license_key: license.key, feature: 'exports' })).toMatchObject({
      allowed: false,
      code: 'USAGE_LIMIT_EXCEEDED',
    });
    clock.set('2026-01-15T13:00:01Z');
    expect(await check({ license_key: license.key, feature: 'exports', consume: 1 })).toMatchObject({
      allowed: true,
      used: 1,
    });
  });

  it(`100 concurrent consumptions against a quota of 50${twoServers ? ' through 2 servers' : ''}: exactly 50 allowed`, async () => {
    const license = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    const token = await world.accountA.token('developer');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        world.servers[i % world.servers.length]!.request('POST', '/api/v1/entitlements/check', {
          token,
          body: { license_key: license.key, feature: 'exports', consume: 1 },
        }),
      ),
    );
    expect(results.filter((r) => r.body.allowed)).toHaveLength(50);
    expect(results.filter((r) => r.body.code === 'USAGE_LIMIT_EXCEEDED')).toHaveLength(50);
  });

  it(`partial reservations grant what is left, never more${twoServers ? ', through 2 servers' : ''}`, async () => {
    const license = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    const reserve = (consume: number, partial: boolean, i = 0) =>
      check(
        { license_key: license.key, feature: 'exports', consume, partial },
        world.accountA,
        world.servers[i % world.servers.length],
      );
    expect(await reserve(30, true)).toMatchObject({ allowed: true, granted: 30, used: 30, remaining: 20 });
    // All or none without partial; with it, what is left.
    expect(await reserve(30, false)).toMatchObject({
      allowed: false,
      code: 'USAGE_LIMIT_EXCEEDED',
      granted: 0,
      used: 30,
    });
    expect(await reserve(30, true)).toMatchObject({ allowed: true, granted: 20, used: 50, remaining: 0 });
    expect(await reserve(1, true)).toMatchObject({
      allowed: false,
      code: 'USAGE_LIMIT_EXCEEDED',
      granted: 0,
    });
    // Concurrent block reservations on a fresh quota add up to the limit exactly.
    const other = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    const grants = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        check(
          { license_key: other.key, feature: 'exports', consume: 7, partial: true },
          world.accountA,
          world.servers[i % world.servers.length],
        ),
      ),
    );
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(50);
    expect(await check({ license_key: other.key, feature: 'exports' })).toMatchObject({
      used: 50,
      granted: null,
    });
  });

  it('apps record usage with their token; the check API needs staff or API-key credentials', async () => {
    const license = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    const a = await activate(world.server, license.key, 'ent-dev');
    const used = await world.server.request('POST', '/api/v1/licensing/usage', {
      body: { token: a.body.signed_token, feature: 'exports', count: 3 },
    });
    expect(used.body).toMatchObject({ allowed: true, used: 3 });
    const anon = await world.server.request('POST', '/api/v1/entitlements/check', {
      body: { license_key: license.key },
    });
    expect(anon.status).toBe(401);
    const both = await world.server.request('POST', '/api/v1/entitlements/check', {
      token: await world.accountA.token(),
      body: { license_key: license.key, customer_id: license.customer_id },
    });
    expect(both.status).toBe(400);
  });
});

describe('license status (seed 002)', () => {
  const line = (name: string, used: number, peak: number, limit: number | null): UsageLine => ({
    name,
    used,
    peak,
    limit,
    percentage: limit ? Math.round((used / limit) * 1000) / 10 : null,
    period: 'hour',
    reset_at: null,
  });
  it('alerts at 30/7/1 days before expiry and at 75 % / 90 % usage', () => {
    expect(licenseAlerts(45, [], true)).toEqual([]);
    expect(licenseAlerts(30, [], true)[0]).toMatchObject({ type: 'expiring_soon', severity: 'info' });
    expect(licenseAlerts(7, [], true)[0]).toMatchObject({ severity: 'warning' });
    expect(licenseAlerts(1, [], true)[0]).toMatchObject({ severity: 'critical' });
    expect(licenseAlerts(null, [line('a', 74, 74, 100)], true)).toEqual([]);
    expect(licenseAlerts(null, [line('a', 75, 75, 100)], true)[0]).toMatchObject({
      type: 'usage_high',
      limit: 'a',
    });
    expect(licenseAlerts(null, [line('a', 90, 90, 100)], true)[0]).toMatchObject({ type: 'usage_critical' });
  });
  it('recommends upgrade above 80 % peak, downgrade for a barely used high tier, and names unused features', () => {
    expect(licenseRecommendations(1, [line('api', 10, 81, 100)], [], new Set())).toEqual([
      expect.objectContaining({ type: 'upgrade', limit: 'api' }),
    ]);
    expect(licenseRecommendations(1, [line('api', 10, 80, 100)], [], new Set())).toEqual([]);
    expect(
      licenseRecommendations(3, [line('api', 1, 19, 100), line('users', 1, 1, 50)], [], new Set()),
    ).toEqual([expect.objectContaining({ type: 'downgrade' })]);
    expect(licenseRecommendations(1, [line('api', 1, 19, 100)], [], new Set())).toEqual([]);
    expect(licenseRecommendations(1, [], ['exports', 'reports'], new Set(['exports']))).toEqual([
      expect.objectContaining({ type: 'unused_feature', feature: 'reports' }),
    ]);
  });
  it('GET /licensing/status reports usage, percentages, days until expiry and alerts', async () => {
    const license = await issueLicense(world.server, world.accountA, { duration_days: 6 }, quotaPlan);
    const a = await activate(world.server, license.key, 'status-dev');
    await world.server.request('POST', '/api/v1/licensing/usage', {
      body: { token: a.body.signed_token, feature: 'exports', count: 46 },
    });
    const res = await world.server.request('GET', '/api/v1/licensing/status', {
      headers: { authorization: `Bearer ${a.body.signed_token}` },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_valid: true, days_until_expiry: 6, usage_percentage: 92 });
    expect(res.body.usage).toContainEqual(
      expect.objectContaining({ name: 'exports', used: 46, limit: 50, percentage: 92 }),
    );
    expect(res.body.alerts.map((x: { type: string }) => x.type)).toEqual(
      expect.arrayContaining(['expiring_soon', 'usage_critical']),
    );
    expect(res.body.recommendations.map((x: { type: string }) => x.type)).toContain('upgrade');
    const anon = await world.server.request('GET', '/api/v1/licensing/status');
    expect(anon.status).toBe(401);
  });
});

describe('license usage for the dashboard', () => {
  it('GET /licenses/:id/usage shows usage bars data; other accounts get 404', async () => {
    const license = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    await check({ license_key: license.key, feature: 'exports', consume: 40 });
    const res = await world.server.request('GET', `/api/v1/licenses/${license.id}/usage`, {
      token: await world.accountA.token('read_only'),
    });
    expect(res.status).toBe(200);
    expect(res.body.usage).toContainEqual(
      expect.objectContaining({ name: 'exports', used: 40, limit: 50, percentage: 80 }),
    );
    expect(res.body.alerts.map((a: { type: string }) => a.type)).toContain('usage_high');
    const theirs = await world.server.request('GET', `/api/v1/licenses/${license.id}/usage`, {
      token: await world.accountB.token('owner'),
    });
    expect(theirs.status).toBe(404);
  });
});

describe('consuming more than one at a time', () => {
  it('is measured as a number against the limit (3 more after 8 of 50 is allowed; 43 more is not)', async () => {
    const license = await issueLicense(world.server, world.accountA, {}, quotaPlan);
    expect(await check({ license_key: license.key, feature: 'exports', consume: 8 })).toMatchObject({
      allowed: true,
      used: 8,
    });
    expect(await check({ license_key: license.key, feature: 'exports', consume: 3 })).toMatchObject({
      allowed: true,
      used: 11,
    });
    expect(await check({ license_key: license.key, feature: 'exports', consume: 40 })).toMatchObject({
      allowed: false,
      used: 11,
    });
  });
});
