import { expect, it } from 'vitest';
import type { Role } from '../../src/auth/permissions.js';
import type { TestAccount, TestServer } from './server.js';

export interface RouteCase {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path; `:id` is replaced by a resource id of the account under test. */
  path: string;
  body?: unknown;
  /** Roles that may call it (writes); omit for reads, which every role may call. */
  allowed?: readonly Role[];
}

export interface SecuritySuite {
  name: string;
  routes: RouteCase[];
  /** Creates a resource in `account` and returns its id (for :id routes). */
  create(account: TestAccount): Promise<string>;
}

const ROLES: Role[] = ['owner', 'admin', 'developer', 'sales', 'support', 'read_only'];

/**
 * The shared suite every resource runs: no credentials → 401; a role without the permission → 403
 * on every write; another account's id → 404 on every :id route (path), with no write done.
 */
export function runSecuritySuite(
  suite: SecuritySuite,
  get: () => { server: TestServer; accountA: TestAccount; accountB: TestAccount },
) {
  const fill = (path: string, id: string) => path.replace(':id', id);

  it(`${suite.name}: every route refuses a call without credentials (401)`, async () => {
    const { server, accountA } = get();
    const id = await suite.create(accountA);
    for (const r of suite.routes) {
      const res = await server.request(
        r.method,
        fill(r.path, id),
        r.body !== undefined ? { body: r.body } : {},
      );
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it(`${suite.name}: roles without the permission get 403 on every write`, async () => {
    const { server, accountA } = get();
    const id = await suite.create(accountA);
    for (const r of suite.routes.filter((x) => x.allowed)) {
      for (const role of ROLES.filter((x) => !r.allowed!.includes(x))) {
        const token = await accountA.token(role);
        const res = await server.request(r.method, fill(r.path, id), {
          token,
          ...(r.body !== undefined ? { body: r.body } : {}),
        });
        expect(res.status, `${role} ${r.method} ${r.path}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    }
  });

  it(`${suite.name}: another account's ids are 404 and nothing is written`, async () => {
    const { server, accountA, accountB } = get();
    const idOfB = await suite.create(accountB);
    const tokenA = await accountA.token('owner');
    const before = await server.ctx.db
      .sql`select count(*)::int as n from events where account_id = ${accountB.accountId}`;
    for (const r of suite.routes.filter((x) => x.path.includes(':id'))) {
      const res = await server.request(r.method, fill(r.path, idOfB), {
        token: tokenA,
        ...(r.body !== undefined ? { body: r.body } : {}),
      });
      expect(res.status, `${r.method} ${r.path}`).toBe(404);
      expect(res.body.error.code).toMatch(/NOT_FOUND$/);
    }
    const after = await server.ctx.db
      .sql`select count(*)::int as n from events where account_id = ${accountB.accountId}`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });
}
