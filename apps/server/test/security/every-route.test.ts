import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Action, can, ROLES } from '../../src/auth/permissions.js';
import { activate, issueLicense } from '../support/fixtures.js';
import { sampleOf } from '../support/openapi-sample.js';
import { type TestAccount, useTwoAccountWorld } from '../support/server.js';

// Issue N, authorization as data: every operation of the OpenAPI document either is one of the public
// ones listed here or names the action its guard checks (x-keyward-action); from that alone, every
// guarded operation is tried without credentials (401), with each role the role table refuses (403),
// and with another account's ids (404, nothing written). A new route is covered the day it is added.

const world = useTwoAccountWorld();

/** Operations anyone may call: the client API (the license key or token is the credential), sign-in and its emailed links, the portal, probes, the error-code pages. */
const PUBLIC = new Set([
  'GET /.well-known/jwks.json',
  'GET /docs/errors',
  'GET /docs/errors.json',
  'GET /health',
  'GET /ready',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/refresh',
  // The emailed one-time link is the credential.
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  'POST /api/v1/auth/invitation/accept',
  'POST /api/v1/auth/links/inspect',
  // Stripe signs it with STRIPE_WEBHOOK_SECRET.
  'POST /api/v1/webhooks/stripe',
  'POST /api/v1/portal/checkout',
  'POST /api/v1/portal/deactivate-device',
  'POST /api/v1/portal/license-lookup',
  'GET /api/v1/portal/plans',
  ...[
    'activate',
    'deactivate',
    'heartbeat',
    'integrity-check',
    'offline/activate',
    'refresh',
    'report',
    'sync',
    'usage',
    'validate',
    'validate-key',
  ].map((p) => `POST /api/v1/licensing/${p}`),
  'GET /api/v1/licensing/status',
]);

interface Operation {
  method: string;
  path: string;
  action: Action | undefined;
  body: unknown;
}

let doc: Record<string, any>;
let operations: Operation[];

beforeAll(async () => {
  doc = (await world.server.request('GET', '/openapi.json')).body;
  operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<any>(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      action: op['x-keyward-action'],
      body: sampleOf(op.requestBody?.content?.['application/json']?.schema, doc),
    })),
  );
});

const guarded = () => operations.filter((o) => !PUBLIC.has(`${o.method} ${o.path}`));
const fill = (path: string, id: string) => path.replace(/\{[^}]+\}/g, id);
const send = (o: Operation, path: string, token?: string) =>
  world.server.request(o.method, path, {
    ...(token ? { token } : {}),
    ...(o.body !== undefined ? { body: o.body } : {}),
  });

describe('every operation', () => {
  it('is public by this list, or guarded by one named action', () => {
    expect(operations.length).toBeGreaterThan(60);
    for (const o of guarded()) expect(o.action, `${o.method} ${o.path} has no guard`).toBeTruthy();
    const listed = new Set(operations.map((o) => `${o.method} ${o.path}`));
    for (const p of PUBLIC) expect(listed.has(p), `${p} is no longer in the API`).toBe(true);
  });

  it('refuses a call without credentials (401), whatever the body', async () => {
    for (const o of guarded()) {
      const res = await send(o, fill(o.path, randomUUID()));
      expect([res.status, res.body.error?.code], `${o.method} ${o.path}`).toEqual([401, 'UNAUTHENTICATED']);
    }
  });

  it('refuses every role the role table does not allow (403)', async () => {
    let checked = 0;
    for (const o of guarded()) {
      for (const role of ROLES.filter((r) => !can(r, o.action!))) {
        const res = await send(o, fill(o.path, randomUUID()), await world.accountA.token(role));
        expect([res.status, res.body.error?.code], `${role} ${o.method} ${o.path}`).toEqual([
          403,
          'FORBIDDEN',
        ]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("answers another account's ids with 404 and writes nothing", async () => {
    const idsOfB = await resourcesOf(world.accountB);
    const tokenA = await world.accountA.token('owner');
    const eventsOfB = async () =>
      (
        await world.server.ctx.db.sql<{ n: number }[]>`
        select count(*)::int as n from events where account_id = ${world.accountB.accountId}`
      )[0]!.n;
    const before = await eventsOfB();
    const withIds = guarded().filter((o) => o.path.includes('{'));
    expect(withIds.length).toBeGreaterThan(30);
    for (const o of withIds) {
      const resource = o.path.split('/')[3]!;
      const id = idsOfB[resource];
      expect(id, `no id of account B for ${resource}`).toBeTruthy();
      // A job is named, not an id of an account: its runs are (the id of B's is a run of lifecycle).
      const path = fill(o.path.includes('{id}') ? o.path.replace('{name}', 'lifecycle') : o.path, id!);
      const res = await send(o, path, tokenA);
      expect([res.status, res.body.error?.code], `${o.method} ${o.path}`).toEqual([
        404,
        expect.stringMatching(/NOT_FOUND$/),
      ]);
    }
    expect(await eventsOfB()).toBe(before);
  });
});

/** One resource of each kind in `account`, by the path segment that names it. */
async function resourcesOf(account: TestAccount): Promise<Record<string, string>> {
  const token = await account.token('owner');
  const post = async (path: string, body: unknown) => {
    const res = await world.server.request('POST', path, { token, body });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
    return res.body.id as string;
  };
  const first = async (path: string) =>
    (await world.server.request('GET', path, { token })).body.data[0].id as string;
  const license = await issueLicense(world.server, account);
  const seat = await activate(world.server, license.key, `every-route-${account.slug}`);
  const bodyOf = (path: string) =>
    sampleOf(doc.paths[path].post.requestBody.content['application/json'].schema, doc);
  return {
    licenses: license.id,
    customers: license.customer_id,
    plans: license.plan_id,
    activations: seat.body.activation_id,
    products: await post('/api/v1/products', bodyOf('/api/v1/products')),
    'api-keys': await post('/api/v1/api-keys', { name: 'every-route', role: 'read_only' }),
    users: await post('/api/v1/users', {
      email: `every-route@${account.slug}.test`,
      role: 'support',
      password: 'violet-lantern-harbor-quietly',
    }),
    'device-blocks': await post('/api/v1/device-blocks', { device_id: 'every-route', reason: 'test' }),
    subscriptions: await post('/api/v1/subscriptions', {
      customer_id: license.customer_id,
      plan_id: license.plan_id,
    }),
    orders: await post('/api/v1/orders', {
      customer_id: license.customer_id,
      items: [{ plan_id: license.plan_id, billing_cycle: 'monthly' }],
    }),
    // Recorded as the Stripe webhook records one (the test servers have no Stripe keys to receive it).
    'payment-events': (
      await world.server.ctx.db.sql<{ id: string }[]>`
        insert into stripe_events (id, account_id, type, stripe_created_at, livemode, payload, status)
        values (${`evt_every_route_${account.slug}`}, ${account.accountId}, 'invoice.paid', now(), false, '{}', 'needs_attention')
        returning id`
    )[0]!.id,
    'signing-keys': await first('/api/v1/signing-keys'),
    events: await first('/api/v1/events'),
    jobs: (await world.server.request('POST', '/api/v1/jobs/lifecycle/runs', { token })).body.id,
    emails: await first('/api/v1/emails'), // the license issued above queued one
    // Nothing listens there: its deliveries fail, which is all this test needs of it.
    'webhook-endpoints': await post('/api/v1/webhook-endpoints', {
      url: 'http://127.0.0.1:9/every-route',
      event_types: ['webhook_endpoint.test'],
    }),
  };
}
