import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { activate, createApiKeySecret, issueLicense } from '../../test/support/fixtures.js';
import {
  createTestAccount,
  operatorAccount,
  type TestAccount,
  type TestServer,
  useServer,
} from '../../test/support/server.js';

// Issue O, accounts: the operator (an owner of the server's first account) creates and disables other
// accounts, only with KEYWARD_MULTI_ACCOUNT=true.

const strongPassword = 'violet-harbour-tangent-lamp';
const newSlug = () => `acme-${randomUUID().slice(0, 8)}`;

/** A TestAccount for an account made through the API, signed in as its owner by password. */
async function signedInOwner(server: TestServer, slug: string, email: string): Promise<TestAccount> {
  const login = await server.request('POST', '/api/v1/auth/login', {
    body: { email, password: strongPassword, account: slug },
  });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  const accountId = login.body.user.account_id as string;
  return {
    accountId,
    slug,
    ownerEmail: email,
    ownerPassword: strongPassword,
    token: async () => login.body.access_token,
  };
}

describe('accounts on a one-account server', () => {
  const single = useServer({ accounts: 0 });

  it('cannot be managed: KEYWARD_MULTI_ACCOUNT=true is needed', async () => {
    const off = await operatorAccount(single.server);
    const refused = await single.server.request('GET', '/api/v1/accounts', { token: await off.token() });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('MULTI_ACCOUNT_DISABLED');
    expect(refused.body.error.message).toContain('KEYWARD_MULTI_ACCOUNT=true');
  });
});

describe('accounts with KEYWARD_MULTI_ACCOUNT=true', () => {
  const multi = useServer({ config: { multiAccount: true } });

  it('are managed only by an owner of the first account', async () => {
    const operator = await operatorAccount(multi.server);
    const other = await createTestAccount(multi.server);
    for (const token of [await other.token('owner'), await operator.token('admin')]) {
      const res = await multi.server.request('POST', '/api/v1/accounts', {
        token,
        body: { slug: newSlug(), name: 'Acme', owner_email: 'x@acme.test', owner_password: strongPassword },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('the operator creates an account whose owner signs in to an empty catalogue with keys of its own', async () => {
    const operator = await operatorAccount(multi.server);
    const token = await operator.token();
    const slug = newSlug();
    const created = await multi.server.request('POST', '/api/v1/accounts', {
      token,
      body: { slug, name: 'Acme Ltd', owner_email: `Boss@${slug}.test`, owner_password: strongPassword },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      account: { slug, name: 'Acme Ltd', status: 'active', disabled_at: null, users: 1, licenses: 0 },
      owner: { email: `boss@${slug}.test`, status: 'active' },
    });

    const owner = await signedInOwner(multi.server, slug, `boss@${slug}.test`);
    expect(owner.accountId).toBe(created.body.account.id);
    const products = await multi.server.request('GET', '/api/v1/products', { token: await owner.token() });
    expect(products.body.data).toEqual([]);
    // Its tokens verify with its own JWKS, not the first account's.
    const license = await issueLicense(multi.server, owner);
    expect((await activate(multi.server, license.key, 'acme-dev-1')).status).toBe(200);
    const own = await multi.server.request('GET', `/.well-known/jwks.json?account=${slug}`);
    const first = await multi.server.request('GET', '/.well-known/jwks.json');
    expect(own.body.keys).toHaveLength(1);
    const firstKids = first.body.keys.map((k: { kid: string }) => k.kid);
    expect(firstKids).not.toContain(own.body.keys[0].kid);

    const listed = await multi.server.request('GET', '/api/v1/accounts', { token });
    const row = listed.body.data.find((a: { slug: string }) => a.slug === slug);
    expect(row).toMatchObject({ users: 1, licenses: 1, status: 'active' });
    expect(listed.body.data[0].slug).toBe('default');
  });

  it('without a password the owner is invited by email; a taken or malformed slug is refused', async () => {
    const token = await (await operatorAccount(multi.server)).token();
    const slug = newSlug();
    const invited = await multi.server.request('POST', '/api/v1/accounts', {
      token,
      body: { slug, name: 'Invited Co', owner_email: `owner@${slug}.test` },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.owner.status).toBe('invited');
    const [mail] = await multi.server.ctx.db.sql<{ template: string; to_address: string }[]>`
      select template, to_address from emails where account_id = ${invited.body.account.id}`;
    expect(mail).toEqual({ template: 'staff.invitation', to_address: `owner@${slug}.test` });

    const again = await multi.server.request('POST', '/api/v1/accounts', {
      token,
      body: { slug, name: 'Twice', owner_email: 'b@x.test', owner_password: strongPassword },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_EXISTS');
    const malformed = await multi.server.request('POST', '/api/v1/accounts', {
      token,
      body: { slug: 'Not A Slug', name: 'x', owner_email: 'b@x.test' },
    });
    expect(malformed.status).toBe(422);
    expect(malformed.body.error.code).toBe('INVALID_FIELD');
  });

  it("a disabled account's staff and API keys are refused, its customers' licenses still validate; enabling restores it", async () => {
    const operator = await operatorAccount(multi.server);
    const token = await operator.token();
    const tenant = await createTestAccount(multi.server);
    const license = await issueLicense(multi.server, tenant);
    const apiKey = await createApiKeySecret(multi.server, tenant, 'developer');
    const ownerToken = await tenant.token();
    // Cached once, so the disable must reach the API-key cache.
    expect((await multi.server.request('GET', '/api/v1/licenses', { token: apiKey })).status).toBe(200);

    const disabled = await multi.server.request('POST', `/api/v1/accounts/${tenant.accountId}/disable`, {
      token,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ status: 'disabled' });
    for (const credential of [ownerToken, apiKey]) {
      const res = await multi.server.request('GET', '/api/v1/licenses', { token: credential });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('ACCOUNT_DISABLED');
    }
    const login = await multi.server.request('POST', '/api/v1/auth/login', {
      body: { email: tenant.ownerEmail, password: tenant.ownerPassword, account: tenant.slug },
    });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('ACCOUNT_DISABLED');
    const wrongPassword = await multi.server.request('POST', '/api/v1/auth/login', {
      body: { email: tenant.ownerEmail, password: 'not-the-password', account: tenant.slug },
    });
    expect(wrongPassword.body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await activate(multi.server, license.key, 'tenant-dev-1')).status).toBe(200);

    const enabled = await multi.server.request('POST', `/api/v1/accounts/${tenant.accountId}/enable`, {
      token,
    });
    expect(enabled.body).toMatchObject({ status: 'active', disabled_at: null });
    expect((await multi.server.request('GET', '/api/v1/licenses', { token: ownerToken })).status).toBe(200);
    expect((await multi.server.request('GET', '/api/v1/licenses', { token: apiKey })).status).toBe(200);

    const events = await multi.server.request('GET', '/api/v1/events?limit=10', { token: ownerToken });
    const types = events.body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['account.disabled', 'account.enabled']));
    expect(types).not.toContain('auth.login_succeeded');

    const self = await multi.server.request('POST', `/api/v1/accounts/${operator.accountId}/disable`, {
      token,
    });
    expect(self.status).toBe(409);
    const unknown = await multi.server.request('POST', `/api/v1/accounts/${randomUUID()}/disable`, { token });
    expect(unknown.status).toBe(404);
  });

  it("shows an account's staff its own job runs and the schedule's, not another account's; the operator all", async () => {
    const [mine, theirs, operator] = [
      multi.account,
      await createTestAccount(multi.server),
      await operatorAccount(multi.server),
    ];
    const queued = await multi.server.request('POST', '/api/v1/jobs/revenue-snapshots/runs', {
      token: await theirs.token('owner'),
    });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    const run = await multi.server.parts.jobs.waitFor('revenue-snapshots', queued.body.id);
    expect(run.state).toBe('completed');
    const lastRunFor = async (account: TestAccount) => {
      const res = await multi.server.request('GET', '/api/v1/jobs', { token: await account.token('owner') });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.jobs.find((j: { name: string }) => j.name === 'revenue-snapshots').last_run;
    };
    expect((await lastRunFor(operator))?.id).toBe(queued.body.id);
    const seen = await lastRunFor(mine);
    expect(seen?.id).not.toBe(queued.body.id);
    if (seen) expect([null, mine.accountId]).toContain(seen.account_id);
  });

  it('/.well-known/jwks.json without an account serves the first account', async () => {
    const first = await multi.server.request('GET', '/.well-known/jwks.json');
    const named = await multi.server.request('GET', '/.well-known/jwks.json?account=default');
    expect(first.status).toBe(200);
    expect(first.body).toEqual(named.body);
  });
});
