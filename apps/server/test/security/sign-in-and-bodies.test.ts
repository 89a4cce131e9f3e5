import { describe, expect, it } from 'vitest';
import { createTestAccount, useServer } from '../support/server.js';

// Issue N: the login limiter and deep bodies, each as the attacker's request and the expected answer.

const world = useServer({ accounts: 0 });

const login = (email: string, password: string) =>
  world.server.request('POST', '/api/v1/auth/login', { body: { email, password } });

describe('sign-in limits', () => {
  it("wrong passwords for one user do not lock the account's other users out from the same IP", async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const colleague = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { email: 'colleague@example.test', role: 'sales', password: 'amber-falcon-river-stone' },
    });
    expect(colleague.status).toBe(201);
    for (let i = 0; i < 6; i++) await login(account.ownerEmail, `wrong-${i}`);
    expect((await login(account.ownerEmail, account.ownerPassword)).status).toBe(429);
    expect((await login('colleague@example.test', 'amber-falcon-river-stone')).status).toBe(200);
  });

  it('an unknown email is limited exactly like a known one', async () => {
    const account = await createTestAccount(world.server);
    const answers = async (email: string) => {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(email, `wrong-${i}`)).status);
      return statuses;
    };
    expect(await answers(`nobody@${account.slug}.test`)).toEqual(await answers(account.ownerEmail));
  });
});

describe('deeply nested bodies', () => {
  it('are a 400 INVALID_JSON, not a 500', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    for (const path of ['/api/v1/auth/login', '/api/v1/licensing/validate', '/api/v1/licensing/activate']) {
      const res = await world.server.request('POST', path, {
        raw: deep,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('INVALID_JSON');
    }
    const arrays = `${'['.repeat(100)}${']'.repeat(100)}`;
    const res = await world.server.request('POST', '/api/v1/auth/login', {
      raw: arrays,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });
});

describe('sign-in timing', () => {
  it('answers a wrong password for a known email no sooner than for an unknown email: both take the 100 ms floor', async () => {
    const account = await createTestAccount(world.server);
    const timed = async (email: string) => {
      const started = performance.now();
      const res = await login(email, 'not-the-password-at-all');
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
      return performance.now() - started;
    };
    for (let i = 0; i < 3; i++) {
      expect(await timed(account.ownerEmail)).toBeGreaterThanOrEqual(99);
      expect(await timed(`nobody-${i}@${account.slug}.test`)).toBeGreaterThanOrEqual(99);
    }
  });
});
