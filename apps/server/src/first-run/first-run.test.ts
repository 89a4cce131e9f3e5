import { describe, expect, it } from 'vitest';
import { activate, createPlan, issueLicense } from '../../test/support/fixtures.js';
import { createTestAccount, type TestAccount, useServer } from '../../test/support/server.js';
import { DEMO_PRODUCT, DEMO_TIERS } from './demo-catalogue.js';

// Issue I, "First run": a new account starts empty; the demo catalogue is one call away, loads once,
// is the owner's or an admin's to load, and never takes a code the vendor already uses.

const world = useServer({ accounts: 0 });

const loadDemo = async (account: TestAccount, role: 'owner' | 'admin' = 'owner') =>
  world.server.request('POST', '/api/v1/demo-data', { token: await account.token(role) });

async function catalogueEvents(account: TestAccount) {
  return world.server.ctx.db.sql<
    { type: string; actor_type: string; actor_id: string | null; data: Record<string, unknown> }[]
  >`
    select type, actor_type, actor_id, data from events
    where account_id = ${account.accountId} and type in ('product.created', 'plan.created')
    order by id`;
}

const codes = DEMO_TIERS.map((t) => t.code);

describe('first run', () => {
  it('a new account has no products, plans or catalogue events, and its checklist starts at step one', async () => {
    const account = await createTestAccount(world.server);
    const token = await account.token('read_only');
    expect((await world.server.request('GET', '/api/v1/products', { token })).body.data).toEqual([]);
    expect((await world.server.request('GET', '/api/v1/plans', { token })).body.data).toEqual([]);
    expect(await catalogueEvents(account)).toEqual([]);
    const status = await world.server.request('GET', '/api/v1/first-run', { token });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      server_url: world.server.ctx.config.publicUrl,
      steps: { catalogue: false, license: false, integrate: false },
      has_product: false,
      has_plan: false,
      has_api_key: false,
      demo_loaded: false,
      license: null,
    });
  });

  it('loads the demo catalogue with an event per row; a second load adds nothing and writes nothing', async () => {
    const account = await createTestAccount(world.server);
    const first = await loadDemo(account);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.created).toBe(1 + DEMO_TIERS.length);
    expect(first.body.plans.map((p: { code: string }) => p.code)).toEqual(codes);

    const token = await account.token('read_only');
    const plans = (await world.server.request('GET', '/api/v1/plans?sort=rank', { token })).body.data;
    expect(plans.map((p: { code: string }) => p.code)).toEqual([
      'free',
      'basic',
      'professional',
      'enterprise',
    ]);
    expect(plans.every((p: { product_id: string }) => p.product_id === first.body.product.id)).toBe(true);
    expect(plans.find((p: { code: string }) => p.code === 'professional').popular).toBe(true);
    const products = (await world.server.request('GET', '/api/v1/products', { token })).body.data;
    expect(products.map((p: { code: string }) => p.code)).toEqual([DEMO_PRODUCT.code]);
    const portal = await world.server.request('GET', `/api/v1/portal/plans?account=${account.slug}`);
    expect(portal.body.data).toHaveLength(DEMO_TIERS.length);

    const events = await catalogueEvents(account);
    const [owner] = await world.server.ctx.db.sql<{ id: string }[]>`
      select id from users where account_id = ${account.accountId} and role = 'owner'`;
    expect(events.map((e) => [e.type, e.data.code])).toEqual([
      ['product.created', DEMO_PRODUCT.code],
      ...codes.map((c) => ['plan.created', c]),
    ]);
    for (const e of events)
      expect(e).toMatchObject({ actor_type: 'user', actor_id: owner!.id, data: { demo: true } });

    const again = await loadDemo(account, 'admin');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, created: 0 });
    expect(await catalogueEvents(account)).toHaveLength(events.length);
    expect((await world.server.request('GET', '/api/v1/plans', { token })).body.data).toHaveLength(
      codes.length,
    );
  });

  it('two loads at once: one adds the catalogue, the other finds it', async () => {
    const account = await createTestAccount(world.server);
    const both = await Promise.all([loadDemo(account), loadDemo(account)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.body.created).sort()).toEqual([0, 1 + DEMO_TIERS.length]);
    expect(await catalogueEvents(account)).toHaveLength(1 + DEMO_TIERS.length);
  });

  it('only an owner or an admin may load it', async () => {
    const account = await createTestAccount(world.server);
    for (const role of ['developer', 'sales', 'support', 'read_only'] as const) {
      const res = await world.server.request('POST', '/api/v1/demo-data', {
        token: await account.token(role),
      });
      expect([res.status, res.body.error.code], role).toEqual([403, 'FORBIDDEN']);
    }
    expect(await catalogueEvents(account)).toEqual([]);
    expect((await loadDemo(account, 'admin')).status).toBe(200);
  });

  it("is refused with 409 when a demo code is one of the vendor's own, and writes nothing", async () => {
    const account = await createTestAccount(world.server);
    const mine = await createPlan(world.server, account, { code: 'professional' });
    const res = await loadDemo(account);
    expect([res.status, res.body.error.code]).toEqual([409, 'ALREADY_EXISTS']);
    expect(res.body.error.message).toContain('plan "professional"');
    expect(res.body.error.details.clashes).toEqual(['plan "professional"']);
    const token = await account.token();
    expect(
      (await world.server.request('GET', '/api/v1/plans', { token })).body.data.map(
        (p: { id: string }) => p.id,
      ),
    ).toEqual([mine.id]);
    expect((await world.server.request('GET', '/api/v1/products', { token })).body.data).toEqual([]);

    const other = await createTestAccount(world.server);
    await world.server.request('POST', '/api/v1/products', {
      token: await other.token(),
      body: { code: DEMO_PRODUCT.code, name: 'Mine' },
    });
    const refused = await loadDemo(other);
    expect(refused.body.error.details.clashes).toEqual([`product "${DEMO_PRODUCT.code}"`]);
  });

  it('the checklist ticks each step from real data and carries a license key for the snippets', async () => {
    const account = await createTestAccount(world.server);
    const status = async (role: 'owner' | 'developer' = 'owner') =>
      (await world.server.request('GET', '/api/v1/first-run', { token: await account.token(role) })).body;
    await loadDemo(account);
    expect(await status()).toMatchObject({
      steps: { catalogue: true, license: false, integrate: false },
      demo_loaded: true,
      license: null,
    });
    const plans = (await world.server.request('GET', '/api/v1/plans', { token: await account.token() })).body
      .data;
    const license = await issueLicense(world.server, account, {
      plan_id: plans.find((p: { code: string }) => p.code === 'professional').id,
    });
    expect(await status()).toMatchObject({
      steps: { catalogue: true, license: true, integrate: false },
      license: { id: license.id, key: license.key, plan_code: 'professional', status: 'active' },
    });
    // A role that may not see license keys gets the license without its key.
    expect((await status('developer')).license).toMatchObject({ id: license.id, key: null });
    expect((await activate(world.server, license.key, 'first-run-device')).status).toBe(200);
    expect((await status()).steps).toEqual({ catalogue: true, license: true, integrate: true });
  });
});
