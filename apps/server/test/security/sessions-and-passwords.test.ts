import { describe, expect, it } from 'vitest';
import { createTestAccount, type TestAccount, useServer } from '../support/server.js';

// Issue N, sign-in: an ended session ends its access tokens at once (not 15 minutes later), and a
// password must be hard to guess and not built from the user's own email.

const world = useServer({ accounts: 0 });

function login(account: TestAccount, password = account.ownerPassword) {
  return world.server.request('POST', '/api/v1/auth/login', {
    body: { email: account.ownerEmail, password },
  });
}
const me = (token: string) => world.server.request('GET', '/api/v1/auth/me', { token });

describe('an ended session ends its access tokens', () => {
  it('on sign-out, while the same user’s other sessions go on', async () => {
    const account = await createTestAccount(world.server);
    const first = (await login(account)).body;
    const second = (await login(account)).body;
    expect((await me(first.access_token)).status).toBe(200);
    const out = await world.server.request('POST', '/api/v1/auth/logout', {
      body: { refresh_token: first.refresh_token },
    });
    expect(out.status).toBeLessThan(300);
    const after = await me(first.access_token);
    expect([after.status, after.body.error.code]).toEqual([401, 'TOKEN_INVALID']);
    expect(after.body.error.message).toMatch(/session has ended/);
    expect((await me(second.access_token)).status).toBe(200);
  });

  it('when the password changes', async () => {
    const account = await createTestAccount(world.server);
    const session = (await login(account)).body;
    const changed = await world.server.request('PATCH', `/api/v1/users/${session.user.id}`, {
      token: session.access_token,
      body: { password: 'violet-lantern-harbor-quietly' },
    });
    expect(changed.status).toBe(200);
    expect((await me(session.access_token)).status).toBe(401);
    expect((await login(account, 'violet-lantern-harbor-quietly')).status).toBe(200);
  });

  it('when a rotated refresh token is presented again (it leaked)', async () => {
    const account = await createTestAccount(world.server);
    const session = (await login(account)).body;
    const rotated = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: session.refresh_token },
    });
    expect(rotated.status).toBe(200);
    expect((await me(rotated.body.access_token)).status).toBe(200);
    const reuse = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: session.refresh_token },
    });
    expect(reuse.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // Both the attacker's and the user's access tokens of that session stop at once.
    expect((await me(rotated.body.access_token)).status).toBe(401);
    expect((await me(session.access_token)).status).toBe(401);
  });
});

describe('password policy', () => {
  it('refuses common, guessable and own-email passwords with a 422 naming the field', async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const email = `jane.doe@${account.slug}.test`;
    for (const password of ['password123456', 'qwertyuiop1234', 'aaaaaaaaaaaaaaaa', email, `${email}1`]) {
      const res = await world.server.request('POST', '/api/v1/users', {
        token: owner,
        body: { email, name: 'Jane Doe', role: 'support', password },
      });
      expect(res.status, password).toBe(422);
      expect(res.body.error.code, password).toBe('PASSWORD_TOO_WEAK');
      expect(res.body.error.details.pointer).toBe('/body/password');
    }
    const created = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { email, name: 'Jane Doe', role: 'support', password: 'violet-lantern-harbor-quietly' },
    });
    expect(created.status).toBe(201);
    const weakChange = await world.server.request('PATCH', `/api/v1/users/${created.body.id}`, {
      token: owner,
      body: { password: 'jane.doe.2024!' },
    });
    expect(weakChange.body.error?.code, JSON.stringify(weakChange.body)).toBe('PASSWORD_TOO_WEAK');
  });
});
