import { describe, expect, it } from 'vitest';
import { createTestAccount, type TestAccount, useServer } from '../../test/support/server.js';

const world = useServer({ accounts: 0 });

function login(account: TestAccount, password = account.ownerPassword) {
  return world.server.request('POST', '/api/v1/auth/login', {
    body: { email: account.ownerEmail, password },
  });
}

async function eventTypes(accountId: string): Promise<string[]> {
  const rows = await world.server.ctx.db.sql<{ type: string }[]>`
    select type from events where account_id = ${accountId} order by created_at, id`;
  return rows.map((r) => r.type);
}

describe('sign-in', () => {
  it('a good login returns an access and a refresh token, and the access token works', async () => {
    const account = await createTestAccount(world.server);
    const res = await login(account);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
    expect(res.body.access_token).toEqual(expect.any(String));
    expect(res.body.refresh_token).toMatch(/^kwr_/);
    expect(res.body.expires_in).toBe(world.server.ctx.config.accessTokenTtlSeconds);
    expect(res.body.user).toMatchObject({
      email: account.ownerEmail,
      role: 'owner',
      account_id: account.accountId,
    });
    expect(res.body.user.password_hash).toBeUndefined();

    const me = await world.server.request('GET', '/api/v1/auth/me', { token: res.body.access_token });
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.user).toMatchObject({
      email: account.ownerEmail,
      role: 'owner',
      account_id: account.accountId,
    });
    expect(me.body.user.password_hash).toBeUndefined();
    expect(me.body.account).toMatchObject({ id: account.accountId, slug: account.slug });
  });

  it('a wrong password is 401 INVALID_CREDENTIALS, as is an unknown email, with the same message', async () => {
    const account = await createTestAccount(world.server);
    const wrong = await login(account, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const unknown = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email: `nobody@${account.slug}.test`, password: 'whatever' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('the 6th wrong password within a minute for one account and IP gets 429 with Retry-After', async () => {
    const account = await createTestAccount(world.server);
    for (let i = 1; i <= 5; i++) {
      const res = await login(account, `wrong-password-${i}`);
      expect(res.status, `attempt ${i}`).toBe(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    const sixth = await login(account, 'wrong-password-6');
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Even the right password waits: the limit is on attempts, not on failures.
    const right = await login(account);
    expect(right.status).toBe(429);

    // Another account from the same IP is not affected.
    const other = await createTestAccount(world.server);
    expect((await login(other)).status).toBe(200);
  });

  it('login attempts are recorded in the event log', async () => {
    const account = await createTestAccount(world.server);
    expect((await login(account, 'wrong-password')).status).toBe(401);
    expect((await login(account)).status).toBe(200);
    const types = await eventTypes(account.accountId);
    expect(types).toContain('auth.login_failed');
    expect(types).toContain('auth.login_succeeded');
    const [failed] = await world.server.ctx.db.sql<
      { actor_type: string; ip: string | null; data: Record<string, unknown> }[]
    >`
      select actor_type, ip, data from events where account_id = ${account.accountId} and type = 'auth.login_failed'`;
    expect(failed!.actor_type).toBe('user');
    expect(failed!.ip).toBeTruthy();
    expect(JSON.stringify(failed!.data)).not.toContain('wrong-password');
  });
});

describe('refresh tokens', () => {
  it('refresh rotates: the new refresh token works and the new access token works', async () => {
    const account = await createTestAccount(world.server);
    const first = (await login(account)).body;
    const second = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: first.refresh_token },
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(
      (await world.server.request('GET', '/api/v1/auth/me', { token: second.body.access_token })).status,
    ).toBe(200);
    const third = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: second.body.refresh_token },
    });
    expect(third.status, JSON.stringify(third.body)).toBe(200);
  });

  it('a rotated refresh token used again is refused and kills its whole family', async () => {
    const account = await createTestAccount(world.server);
    const first = (await login(account)).body;
    const second = (
      await world.server.request('POST', '/api/v1/auth/refresh', {
        body: { refresh_token: first.refresh_token },
      })
    ).body;
    expect(second.refresh_token).toMatch(/^kwr_/);

    // A separate session of the same user must survive the reuse of another family's token.
    const otherSession = (await login(account)).body;

    const reused = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: first.refresh_token },
    });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('REFRESH_TOKEN_REUSED');

    const newest = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: second.refresh_token },
    });
    expect(newest.status).toBe(401);
    expect(newest.body.error.code).toBe('TOKEN_INVALID');

    expect(await eventTypes(account.accountId)).toContain('auth.refresh_reuse_detected');
    const other = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: otherSession.refresh_token },
    });
    expect(other.status).toBe(200);
  });

  it('logout revokes the session: its refresh token is refused afterwards', async () => {
    const account = await createTestAccount(world.server);
    const session = (await login(account)).body;
    const out = await world.server.request('POST', '/api/v1/auth/logout', {
      body: { refresh_token: session.refresh_token },
    });
    expect(out.status).toBe(204);
    const after = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: session.refresh_token },
    });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
    // Logout is idempotent.
    expect(
      (
        await world.server.request('POST', '/api/v1/auth/logout', {
          body: { refresh_token: session.refresh_token },
        })
      ).status,
    ).toBe(204);
  });

  it('an unknown refresh token is 401 TOKEN_INVALID', async () => {
    const res = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: 'kwr_not-a-real-token-at-all' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_INVALID');
  });
});

describe('access tokens and credentials', () => {
  it('no token → 401 UNAUTHENTICATED; a garbage token → 401 TOKEN_INVALID; a wrong scheme → 401', async () => {
    const none = await world.server.request('GET', '/api/v1/auth/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const garbage = await world.server.request('GET', '/api/v1/auth/me', { token: 'eyJ.not.a-jwt' });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error.code).toBe('TOKEN_INVALID');
    const basic = await world.server.request('GET', '/api/v1/auth/me', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.status).toBe(401);
    expect(basic.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('a disabled user loses access at once, even with an unexpired access token', async () => {
    const account = await createTestAccount(world.server);
    const supportToken = await account.token('support');
    expect((await world.server.request('GET', '/api/v1/auth/me', { token: supportToken })).status).toBe(200);
    const me = (await world.server.request('GET', '/api/v1/auth/me', { token: supportToken })).body;
    const patched = await world.server.request('PATCH', `/api/v1/users/${me.user.id}`, {
      token: await account.token('owner'),
      body: { status: 'disabled' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const after = await world.server.request('GET', '/api/v1/auth/me', { token: supportToken });
    expect(after.status).toBe(401);
  });
});

describe('API keys', () => {
  it('a key created through the API authenticates, and stops working once revoked', async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const created = await world.server.request('POST', '/api/v1/api-keys', {
      token: owner,
      body: { name: 'ci', role: 'developer' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^kw_/);
    expect(secret).toContain(created.body.prefix);

    // The secret is shown once and stored only as a digest.
    const listed = await world.server.request('GET', '/api/v1/api-keys', { token: owner });
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id).secret).toBeUndefined();
    const [row] = await world.server.ctx.db.sql`select * from api_keys where id = ${created.body.id}`;
    expect(JSON.stringify(row)).not.toContain(secret);

    const withKey = await world.server.request('GET', '/api/v1/users', { token: secret });
    expect(withKey.status, JSON.stringify(withKey.body)).toBe(200);
    expect(withKey.body.data.every((u: { account_id: string }) => u.account_id === account.accountId)).toBe(
      true,
    );

    // GET /auth/me with an API key: a clear 403 naming the key, never a 500 or a misleading 404.
    const me = await world.server.request('GET', '/api/v1/auth/me', { token: secret });
    expect(me.status, JSON.stringify(me.body)).toBe(403);
    expect(me.body.error.code).toBe('FORBIDDEN');
    expect(me.body.error.details).toMatchObject({
      actor_type: 'api_key',
      api_key_id: created.body.id,
      account_id: account.accountId,
    });

    const revoked = await world.server.request('DELETE', `/api/v1/api-keys/${created.body.id}`, {
      token: owner,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    const after = await world.server.request('GET', '/api/v1/users', { token: secret });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
  });

  it('an unknown kw_ key is 401 TOKEN_INVALID', async () => {
    const res = await world.server.request('GET', '/api/v1/users', { token: 'kw_000000000000_nope' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_INVALID');
  });

  it('a role cannot mint a key more powerful than itself', async () => {
    const account = await createTestAccount(world.server);
    const res = await world.server.request('POST', '/api/v1/api-keys', {
      token: await account.token('developer'),
      body: { name: 'x', role: 'admin' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('read_only', () => {
  it('gets 403 FORBIDDEN on every user and API-key write, as a user and as an API key, and nothing is written', async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const key = await world.server.request('POST', '/api/v1/api-keys', {
      token: owner,
      body: { name: 'ro', role: 'read_only' },
    });
    expect(key.status).toBe(201);
    const target = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { email: `target@${account.slug}.test`, role: 'support', password: 'long-enough-password' },
    });
    expect(target.status).toBe(201);
    const writes = [
      {
        method: 'POST',
        path: '/api/v1/users',
        body: { email: `ro@${account.slug}.test`, role: 'support', password: 'long-enough-password' },
      },
      { method: 'PATCH', path: `/api/v1/users/${target.body.id}`, body: { name: 'Renamed' } },
      { method: 'DELETE', path: `/api/v1/users/${target.body.id}` },
      { method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', role: 'read_only' } },
      { method: 'DELETE', path: `/api/v1/api-keys/${key.body.id}` },
    ];
    const readOnly = await account.token('read_only');
    const before = await eventTypes(account.accountId);
    for (const token of [readOnly, key.body.secret as string]) {
      for (const w of writes) {
        const res = await world.server.request(w.method, w.path, {
          token,
          ...(w.body ? { body: w.body } : {}),
        });
        expect(res.status, `${w.method} ${w.path}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      // Reads are allowed.
      expect((await world.server.request('GET', '/api/v1/users', { token })).status).toBe(200);
      expect((await world.server.request('GET', '/api/v1/api-keys', { token })).status).toBe(200);
    }
    expect(await eventTypes(account.accountId)).toEqual(before);
  });
});
