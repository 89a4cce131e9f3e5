import { beforeAll, describe, expect, it } from 'vitest';
import { activate, createCustomer, createPlan, issueLicense } from '../../test/support/fixtures.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

const world = useTwoAccountWorld();
let planA: string;
let customerA: string;

beforeAll(async () => {
  planA = (await createPlan(world.server, world.accountA)).id;
  customerA = (await createCustomer(world.server, world.accountA)).id;
});

const WRITE = ['owner', 'admin', 'sales'] as const;

describe('licenses and activations security', () => {
  runSecuritySuite(
    {
      name: 'licenses',
      create: async (account) => (await issueLicense(world.server, account)).id,
      routes: [
        { method: 'GET', path: '/api/v1/licenses' },
        { method: 'GET', path: '/api/v1/licenses/:id' },
        { method: 'GET', path: '/api/v1/licenses/:id/activations' },
        {
          method: 'POST',
          path: '/api/v1/licenses',
          body: { plan_id: '00000000-0000-4000-8000-000000000000' },
          allowed: WRITE,
        },
        { method: 'PATCH', path: '/api/v1/licenses/:id', body: { metadata: { a: 1 } }, allowed: WRITE },
        { method: 'POST', path: '/api/v1/licenses/:id/suspend', body: { reason: 'x' }, allowed: WRITE },
        { method: 'POST', path: '/api/v1/licenses/:id/renew', body: { duration_days: 30 }, allowed: WRITE },
        {
          method: 'POST',
          path: '/api/v1/licenses/:id/transfer',
          body: { customer_id: '00000000-0000-4000-8000-000000000000' },
          allowed: WRITE,
        },
        {
          method: 'POST',
          path: '/api/v1/licenses/:id/change-plan',
          body: { plan_id: '00000000-0000-4000-8000-000000000000' },
          allowed: WRITE,
        },
        { method: 'POST', path: '/api/v1/licenses/:id/regenerate-key', allowed: WRITE },
        { method: 'POST', path: '/api/v1/licenses/:id/revoke', body: {}, allowed: ['owner', 'admin'] },
      ],
    },
    () => world,
  );

  runSecuritySuite(
    {
      name: 'activations',
      create: async (account) => {
        const license = await issueLicense(world.server, account);
        return (await activate(world.server, license.key, `sec-${Math.random()}`)).body.activation_id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/activations' },
        { method: 'GET', path: '/api/v1/activations/:id' },
        {
          method: 'POST',
          path: '/api/v1/activations/:id/deactivate',
          body: {},
          allowed: ['owner', 'admin', 'support', 'sales'],
        },
        {
          method: 'POST',
          path: '/api/v1/activations/:id/block',
          body: {},
          allowed: ['owner', 'admin', 'support'],
        },
      ],
    },
    () => world,
  );

  it('read-only staff see masked keys; writers see full keys', async () => {
    const license = await issueLicense(world.server, world.accountA);
    const ro = await world.server.request('GET', `/api/v1/licenses/${license.id}`, {
      token: await world.accountA.token('read_only'),
    });
    expect(ro.body.key).toBeNull();
    expect(ro.body.key_masked).toMatch(/^XXXXX-/);
    const sales = await world.server.request('GET', `/api/v1/licenses/${license.id}`, {
      token: await world.accountA.token('sales'),
    });
    expect(sales.body.key).toBe(license.key);
  });

  it("another account's plan, customer or key cannot be used or found", async () => {
    const tokenB = await world.accountB.token('owner');
    const withPlan = await world.server.request('POST', '/api/v1/licenses', {
      token: tokenB,
      body: { plan_id: planA },
    });
    expect(withPlan.status).toBe(404);
    const planB = (await createPlan(world.server, world.accountB)).id;
    const withCustomer = await world.server.request('POST', '/api/v1/licenses', {
      token: tokenB,
      body: { plan_id: planB, customer_id: customerA },
    });
    expect(withCustomer.status).toBe(404);
    const licenseA = await issueLicense(world.server, world.accountA);
    const byKey = await world.server.request('POST', '/api/v1/licenses/by-key', {
      token: tokenB,
      body: { key: licenseA.key },
    });
    expect(byKey.status).toBe(404);
    const search = await world.server.request(
      'GET',
      `/api/v1/licenses?q=${encodeURIComponent(licenseA.key)}`,
      {
        token: tokenB,
      },
    );
    expect(search.body.data).toHaveLength(0);
    const own = await world.server.request('GET', `/api/v1/licenses?q=${encodeURIComponent(licenseA.key)}`, {
      token: await world.accountA.token('read_only'),
    });
    expect(own.body.data.map((l: { id: string }) => l.id)).toEqual([licenseA.id]);
  });
});

describe('hostile input on the client API', () => {
  it('refuses mass-assigned fields on activate', async () => {
    const license = await issueLicense(world.server, world.accountA, { max_activations: 1 });
    for (const field of ['status', 'account_id', 'max_activations', 'expires_at']) {
      const res = await activate(world.server, license.key, `mass-${field}`, {
        [field]: field === 'max_activations' ? 100 : 'x',
      });
      expect(res.status, field).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'UNKNOWN_FIELD', details: { pointer: `/body/${field}` } });
    }
    const [row] = await world.server.ctx.db
      .sql`select max_activations, status from licenses where id = ${license.id}`;
    expect(row).toEqual({ max_activations: 1, status: 'active' });
  });
  it('a 5 KB fingerprint, a 1 MB metadata object, limit=1e9 and negative durations get specific 4xx', async () => {
    const license = await issueLicense(world.server, world.accountA);
    const fp = await world.server.request('POST', '/api/v1/licensing/activate', {
      body: { license_key: license.key, device_fingerprint: 'f'.repeat(5000) },
    });
    expect([fp.status, fp.body.error.code, fp.body.error.details.pointer]).toEqual([
      422,
      'INVALID_FIELD',
      '/body/device_fingerprint',
    ]);
    const big = Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => [`k${i}`, 'v'.repeat(40)]));
    const meta = await world.server.request('POST', '/api/v1/licensing/activate', {
      body: { license_key: license.key, device_fingerprint: 'x', metadata: big },
    });
    expect([meta.status, meta.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const owner = await world.accountA.token('owner');
    const many = await world.server.request('GET', '/api/v1/licenses?limit=1e9', { token: owner });
    expect([many.status, many.body.error.details.pointer]).toEqual([422, '/query/limit']);
    const neg = await world.server.request('POST', '/api/v1/licenses', {
      token: owner,
      body: { plan_id: planA, duration_days: -5 },
    });
    expect([neg.status, neg.body.error.code, neg.body.error.details.pointer]).toEqual([
      422,
      'INVALID_FIELD',
      '/body/duration_days',
    ]);
    const wide = await world.server.request('POST', '/api/v1/licenses', {
      token: owner,
      body: { plan_id: planA, max_activations: 2 ** 40 },
    });
    expect(wide.status).toBe(422);
  });
});

describe('license answers carry the customer everywhere', () => {
  it('create, get, by-key and actions answer customer_email and customer_company as the list does', async () => {
    const token = await world.accountA.token('owner');
    const customer = await createCustomer(world.server, world.accountA);
    const created = await issueLicense(world.server, world.accountA, { customer_id: customer.id });
    const fromList = (
      await world.server.request('GET', `/api/v1/licenses?customer_id=${customer.id}`, { token })
    ).body.data[0];
    expect(fromList.customer_email).toBe(customer.email);
    const answers = [
      created,
      (await world.server.request('GET', `/api/v1/licenses/${created.id}`, { token })).body,
      (await world.server.request('POST', '/api/v1/licenses/by-key', { token, body: { key: created.key } }))
        .body,
      (await world.server.request('POST', `/api/v1/licenses/${created.id}/suspend`, { token, body: {} }))
        .body,
      (await world.server.request('POST', `/api/v1/licenses/${created.id}/revoke`, { token, body: {} })).body,
    ];
    for (const a of answers)
      expect({ email: a.customer_email, company: a.customer_company }).toEqual({
        email: fromList.customer_email,
        company: fromList.customer_company,
      });
  });
});
