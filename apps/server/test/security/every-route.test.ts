import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Action, can, ROLES } from '../../src/auth/permissions.js';
import { activate, customerSession, issueLicense } from '../support/fixtures.js';
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
  // The emailed one-time link is the credential.
  'POST /api/v1/portal/sign-in',
  'POST /api/v1/portal/sign-in/confirm',
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
  /** A signed-in customer's portal route (x-keyward-customer): a customer session, not staff. */
  customer: boolean;
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
      customer: op['x-keyward-customer'] === true,
      body: sampleOf(op.requestBody?.content?.['application/json']?.schema, doc),
    })),
  );
});

const guarded = () => operations.filter((o) => !PUBLIC.has(`${o.method} ${o.path}`) && !o.customer);
const customerOnly = () => operations.filter((o) => o.customer);
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
      // The deployment's accounts are the operator's: anyone else is refused whole, whatever the id.
      const refusal =
        resource === 'accounts'
          ? [403, expect.stringMatching(/^(FORBIDDEN|MULTI_ACCOUNT_DISABLED)$/)]
          : [404, expect.stringMatching(/NOT_FOUND$/)];
      expect([res.status, res.body.error?.code], `${o.method} ${o.path}`).toEqual(refusal);
    }
    expect(await eventsOfB()).toBe(before);
  });
});

describe('every signed-in portal operation', () => {
  it('refuses a call without a customer session, and staff credentials (401)', async () => {
    expect(customerOnly().length).toBeGreaterThanOrEqual(5);
    const owner = await world.accountA.token('owner');
    for (const o of customerOnly()) {
      const path = fill(o.path, randomUUID());
      const none = await send(o, path);
      expect([none.status, none.body.error?.code], `${o.method} ${o.path}`).toEqual([401, 'UNAUTHENTICATED']);
      const staff = await send(o, path, owner);
      expect([staff.status, staff.body.error?.code], `${o.method} ${o.path}`).toEqual([401, 'TOKEN_INVALID']);
    }
  });

  it("answers another customer's ids, in this account or another, with 404 and writes nothing", async () => {
    const ownedBy = async (account: TestAccount) => {
      const license = await issueLicense(world.server, account);
      const seat = await activate(world.server, license.key, `portal-${randomUUID()}`);
      const owner = await account.token('owner');
      const order = await world.server.request('POST', '/api/v1/orders', {
        token: owner,
        body: {
          customer_id: license.customer_id,
          items: [{ plan_id: license.plan_id, billing_cycle: 'monthly' }],
        },
      });
      await world.server.request('POST', `/api/v1/orders/${order.body.id}/submit`, { token: owner });
      await world.server.request('POST', `/api/v1/orders/${order.body.id}/pay`, { token: owner, body: {} });
      return {
        customer: license.customer_id,
        license: license.id,
        activation: seat.body.activation_id,
        order: order.body.id,
      };
    };
    const me = await ownedBy(world.accountA);
    const session = await customerSession(world.server, world.accountA.accountId, me.customer);
    const withIds = customerOnly().filter((o) => o.path.includes('{'));
    for (const other of [await ownedBy(world.accountA), await ownedBy(world.accountB)]) {
      const before = await world.server.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from events`;
      for (const o of withIds) {
        const id = o.path.includes('/orders/') ? other.order : other.license;
        const paths = [o.path.replace('{id}', id).replace('{activation_id}', other.activation)];
        // My license, their device: still theirs.
        if (o.path.includes('{activation_id}'))
          paths.push(o.path.replace('{id}', me.license).replace('{activation_id}', other.activation));
        for (const path of paths) {
          const res = await send(o, path, session);
          expect([res.status, res.body.error?.code], `${o.method} ${path}`).toEqual([404, 'NOT_FOUND']);
        }
      }
      const after = await world.server.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from events`;
      expect(after[0]!.n).toBe(before[0]!.n);
    }
    // The same session reaches my own (so the 404s above are about ownership, not a broken route).
    const mine = await world.server.request('GET', `/api/v1/portal/me/licenses/${me.license}`, {
      token: session,
    });
    expect(mine.status).toBe(200);
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
    accounts: account.accountId,
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
    compliance: await violationOf(account, license, seat.body.device_id, token),
    // Nothing listens there: its deliveries fail, which is all this test needs of it.
    'webhook-endpoints': await post('/api/v1/webhook-endpoints', {
      url: 'http://127.0.0.1:9/every-route',
      event_types: ['webhook_endpoint.test'],
    }),
  };
}

/** A compliance violation of the account: its app reports a clock rollback, an audit of the license raises it. */
async function violationOf(
  account: TestAccount,
  license: { id: string; key: string },
  deviceId: string,
  token: string,
) {
  const report = await world.server.request('POST', '/api/v1/licensing/report', {
    body: { license_key: license.key, device_id: deviceId, kind: 'clock_tamper' },
  });
  expect(report.status, JSON.stringify(report.body)).toBe(202);
  const audit = await world.server.request('POST', '/api/v1/compliance/audits', {
    token,
    body: { scope: 'license', license_id: license.id },
  });
  expect(audit.status, `${account.slug}: ${JSON.stringify(audit.body)}`).toBe(201);
  return audit.body.findings[0].violation_id as string;
}
