import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCustomer, createPlan } from '../../test/support/fixtures.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { createTestAccount, useTwoAccountWorld } from '../../test/support/server.js';

const world = useTwoAccountWorld();
const get = () => world;

const CATALOGUE = ['owner', 'admin', 'developer'] as const;

describe('catalogue security (401 / 403 / cross-account 404)', () => {
  runSecuritySuite(
    {
      name: 'customers',
      create: async (a) => (await createCustomer(world.server, a)).id,
      routes: [
        { method: 'GET', path: '/api/v1/customers' },
        { method: 'GET', path: '/api/v1/customers/:id' },
        {
          method: 'POST',
          path: '/api/v1/customers',
          body: { email: 'x@example.com' },
          allowed: ['owner', 'admin', 'sales', 'support'],
        },
        {
          method: 'PATCH',
          path: '/api/v1/customers/:id',
          body: { company_name: 'New' },
          allowed: ['owner', 'admin', 'sales', 'support'],
        },
      ],
    },
    get,
  );
  runSecuritySuite(
    {
      name: 'plans',
      create: async (a) => (await createPlan(world.server, a)).id,
      routes: [
        { method: 'GET', path: '/api/v1/plans' },
        { method: 'GET', path: '/api/v1/plans/:id' },
        { method: 'POST', path: '/api/v1/plans', body: { code: 'p-sec', name: 'P' }, allowed: CATALOGUE },
        { method: 'PATCH', path: '/api/v1/plans/:id', body: { name: 'Q' }, allowed: CATALOGUE },
        {
          method: 'POST',
          path: '/api/v1/plans/:id/duplicate',
          body: { code: 'dup-sec' },
          allowed: CATALOGUE,
        },
        { method: 'POST', path: '/api/v1/plans/:id/archive', allowed: CATALOGUE },
      ],
    },
    get,
  );
  runSecuritySuite(
    {
      name: 'products',
      create: async (a) => {
        const res = await world.server.request('POST', '/api/v1/products', {
          token: await a.token(),
          body: { code: `p${randomUUID().slice(0, 6)}`, name: 'P' },
        });
        return res.body.id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/products' },
        { method: 'GET', path: '/api/v1/products/:id' },
        {
          method: 'POST',
          path: '/api/v1/products',
          body: { code: 'prod-sec', name: 'P' },
          allowed: CATALOGUE,
        },
        { method: 'PATCH', path: '/api/v1/products/:id', body: { name: 'Q' }, allowed: CATALOGUE },
        { method: 'POST', path: '/api/v1/products/:id/archive', allowed: CATALOGUE },
      ],
    },
    get,
  );
  runSecuritySuite(
    {
      name: 'subscriptions',
      create: async (a) => {
        const body = {
          customer_id: (await createCustomer(world.server, a)).id,
          plan_id: (await createPlan(world.server, a)).id,
        };
        return (await world.server.request('POST', '/api/v1/subscriptions', { token: await a.token(), body }))
          .body.id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/subscriptions' },
        { method: 'GET', path: '/api/v1/subscriptions/:id' },
        {
          method: 'PATCH',
          path: '/api/v1/subscriptions/:id',
          body: { quantity: 2 },
          allowed: ['owner', 'admin', 'sales'],
        },
        {
          method: 'POST',
          path: '/api/v1/subscriptions/:id/cancel',
          body: {},
          allowed: ['owner', 'admin', 'sales'],
        },
        ...['renew', 'past-due', 'suspend', 'reactivate'].map((action) => ({
          method: 'POST' as const,
          path: `/api/v1/subscriptions/:id/${action}`,
          body: {},
          // The guard answers before the state machine: a role that may not is refused whatever the state.
          allowed: ['owner', 'admin', 'sales'] as const,
        })),
      ],
    },
    get,
  );
  runSecuritySuite(
    {
      name: 'device-blocks',
      create: async (a) =>
        (
          await world.server.request('POST', '/api/v1/device-blocks', {
            token: await a.token(),
            body: { device_id: `d-${randomUUID()}`, reason: 'test' },
          })
        ).body.id,
      routes: [
        { method: 'GET', path: '/api/v1/device-blocks' },
        {
          method: 'POST',
          path: '/api/v1/device-blocks',
          body: { device_id: 'x', reason: 'r' },
          allowed: ['owner', 'admin', 'support'],
        },
        { method: 'DELETE', path: '/api/v1/device-blocks/:id', allowed: ['owner', 'admin', 'support'] },
      ],
    },
    get,
  );
  runSecuritySuite(
    {
      name: 'events',
      create: async (a) => {
        await createCustomer(world.server, a);
        return (await world.server.request('GET', '/api/v1/events?limit=1', { token: await a.token() })).body
          .data[0].id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/events' },
        { method: 'GET', path: '/api/v1/events/:id' },
      ],
    },
    get,
  );
});

describe('catalogue behaviour', () => {
  it('a new account starts with an empty catalogue: no products, no plans, nothing on the portal', async () => {
    const fresh = await createTestAccount(world.server);
    const token = await fresh.token('read_only');
    for (const path of ['/api/v1/products', '/api/v1/plans?include_archived=true']) {
      const res = await world.server.request('GET', path, { token });
      expect([res.status, res.body.data], path).toEqual([200, []]);
    }
    const portal = await world.server.request('GET', `/api/v1/portal/plans?account=${fresh.slug}`);
    expect(portal.body.data).toEqual([]);
    // Its own plan codes are free: `professional` is the vendor's to take (issue I).
    await createPlan(world.server, fresh, { code: 'professional' });
  });

  it('Idempotency-Key: a replay returns the first response, another body is 422, keys are per account', async () => {
    const token = await world.accountA.token();
    const headers = { 'idempotency-key': `k-${randomUUID()}` };
    const body = { email: `idem-${randomUUID().slice(0, 6)}@example.com` };
    const first = await world.server.request('POST', '/api/v1/customers', { token, body, headers });
    const replay = await world.server.request('POST', '/api/v1/customers', { token, body, headers });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await world.server.request('POST', '/api/v1/customers', {
      token,
      body: { email: 'other@example.com' },
      headers,
    });
    expect([other.status, other.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const inB = await world.server.request('POST', '/api/v1/customers', {
      token: await world.accountB.token(),
      body,
      headers,
    });
    expect(inB.status).toBe(201);
    expect(inB.body.id).not.toBe(first.body.id);
  });

  it('plans: search, duplicate, archive; duplicate codes are 409; negative durations 422', async () => {
    const token = await world.accountA.token('developer');
    const plan = await createPlan(world.server, world.accountA, {
      code: `searchme-${randomUUID().slice(0, 4)}`,
    });
    const found = await world.server.request('GET', '/api/v1/plans?q=searchme', { token });
    expect(found.body.data.map((p: { id: string }) => p.id)).toContain(plan.id);
    const dup = await world.server.request('POST', `/api/v1/plans/${plan.id}/duplicate`, {
      token,
      body: { code: `copy-${randomUUID().slice(0, 4)}` },
    });
    expect(dup.status).toBe(201);
    expect(dup.body.features).toEqual(
      (await world.server.request('GET', `/api/v1/plans/${plan.id}`, { token })).body.features,
    );
    const again = await world.server.request('POST', '/api/v1/plans', {
      token,
      body: { code: plan.code, name: 'x' },
    });
    expect([again.status, again.body.error.code]).toEqual([409, 'ALREADY_EXISTS']);
    const neg = await world.server.request('POST', '/api/v1/plans', {
      token,
      body: { code: 'neg', name: 'x', duration_days: -1 },
    });
    expect([neg.status, neg.body.error.details.pointer]).toEqual([422, '/body/duration_days']);
    const archived = await world.server.request('POST', `/api/v1/plans/${plan.id}/archive`, { token });
    expect(archived.body.archived_at).not.toBeNull();
  });

  it('customers: duplicate email is 409; subscriptions cancel at period end, then again is 409', async () => {
    const token = await world.accountA.token('sales');
    const c = await createCustomer(world.server, world.accountA);
    const dup = await world.server.request('POST', '/api/v1/customers', {
      token,
      body: { email: c.email.toUpperCase() },
    });
    expect(dup.status).toBe(409);
    const plan = await createPlan(world.server, world.accountA);
    const sub = await world.server.request('POST', '/api/v1/subscriptions', {
      token,
      body: { customer_id: c.id, plan_id: plan.id, billing_cycle: 'annual' },
    });
    expect(sub.body.price_cents).toBe(49000);
    const cancel = await world.server.request('POST', `/api/v1/subscriptions/${sub.body.id}/cancel`, {
      token,
      body: { at_period_end: false },
    });
    expect(cancel.body.status).toBe('canceled');
    const twice = await world.server.request('POST', `/api/v1/subscriptions/${sub.body.id}/cancel`, {
      token,
    });
    expect(twice.status).toBe(409);
  });
});
