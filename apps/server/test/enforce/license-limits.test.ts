import { ConcurrencyLimit, Enforcer, fastifyGuards } from '@keyward/enforce';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activate, createApiKeySecret, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue H: the seed 002 limits come from the license, not the vendor's code. Keyward counts them (and
// shows them in /licensing/status); @keyward/enforce reads them from the license.
const world = useServer();
let vendorUrl: string;
let enforcer: Enforcer;
const apps: Array<{ close: () => Promise<unknown> }> = [];

beforeAll(async () => {
  const apiKey = await createApiKeySecret(world.server, world.account, 'developer');
  enforcer = new Enforcer({ baseUrl: world.server.url, apiKey, failMode: 'closed' });
  const guard = fastifyGuards(enforcer, {
    licenseKey: (r) => r.headers['x-license-key'] as string | undefined,
  });
  const live = new ConcurrencyLimit((key) => enforcer.cachedLimit(key, 'max_concurrent_connections') ?? 10);
  const app = Fastify();
  app.get(
    '/reports',
    { preHandler: [guard.requireFeature('reports'), guard.licenseLimit('max_api_requests_per_hour')] },
    async () => ({ ok: true }),
  );
  app.get('/stream', { preHandler: [guard.requireFeature('reports'), guard.concurrency(live)] }, async () => {
    await new Promise((r) => setTimeout(r, 300));
    return { ok: true };
  });
  vendorUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
});
afterAll(async () => {
  for (const a of apps) await a.close();
});

const plan = (limits: Record<string, number | null>) => ({
  features: [{ feature_id: 'reports', name: 'Reports', enabled: true }],
  limits,
});
const get = (path: string, key: string) => fetch(vendorUrl + path, { headers: { 'x-license-key': key } });

describe("limits from the license, enforced in the vendor's API", () => {
  it('max_api_requests_per_hour: counted in Keyward, the 6th of 5 refused, shown in /licensing/status', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      {},
      plan({ max_api_requests_per_hour: 5 }),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get('/reports', license.key)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await (await get('/reports', license.key)).json();
    expect(refused).toMatchObject({ error_code: 'USAGE_LIMIT_EXCEEDED' });
    const seat = await activate(world.server, license.key, 'limits-1');
    const status = await world.server.request('GET', '/api/v1/licensing/status', {
      headers: { authorization: `Bearer ${seat.body.signed_token}` },
    });
    expect(status.body.usage).toContainEqual(
      expect.objectContaining({ name: 'max_api_requests_per_hour', used: 5, limit: 5, period: 'hour' }),
    );
    // The check API answers the limit by name, like a metered feature.
    const check = await world.server.request('POST', '/api/v1/entitlements/check', {
      token: await world.account.token('developer'),
      body: { license_key: license.key, feature: 'max_api_requests_per_hour' },
    });
    expect(check.body).toMatchObject({ allowed: false, code: 'USAGE_LIMIT_EXCEEDED', used: 5, limit: 5 });
    expect(check.body.limits).toEqual({ max_api_requests_per_hour: 5 });
  });

  it('a license without the limit (or with it unlimited) is not limited', async () => {
    for (const limits of [{}, { max_api_requests_per_hour: null }] as Array<Record<string, number | null>>) {
      const license = await issueLicense(world.server, world.account, {}, plan(limits));
      for (let i = 0; i < 8; i++) expect((await get('/reports', license.key)).status).toBe(200);
    }
  });

  it('max_concurrent_connections from the license caps live requests per license', async () => {
    const one = await issueLicense(world.server, world.account, {}, plan({ max_concurrent_connections: 1 }));
    const two = await issueLicense(world.server, world.account, {}, plan({ max_concurrent_connections: 2 }));
    for (const l of [one, two]) expect((await get('/stream', l.key)).status).toBe(200); // summaries cached
    const statusesOf = async (key: string) =>
      (await Promise.all([get('/stream', key), get('/stream', key)])).map((r) => r.status).sort();
    expect(await statusesOf(one.key)).toEqual([200, 429]);
    expect(await statusesOf(two.key)).toEqual([200, 200]);
  });
});
