import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createAccount } from '../../src/accounts/bootstrap.js';
import { type RunningServer, type StartOptions, startServer } from '../../src/app/server.js';
import { signAccessToken } from '../../src/auth/access-tokens.js';
import { hashPassword } from '../../src/auth/passwords.js';
import type { Role } from '../../src/auth/permissions.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/core/clock.js';
import { connectDatabase } from '../../src/db/database.js';

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  constructor(private current = new Date('2026-01-15T12:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  set(iso: string | Date) {
    this.current = new Date(iso);
  }
  advanceDays(days: number) {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export interface TestServer extends RunningServer {
  /** fetch against the server; JSON bodies are encoded; returns status, headers and parsed body. */
  request(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<TestResponse>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** Test configuration: real defaults, loopback, no rate limit unless a test asks for one. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig(
      { LOG_LEVEL: 'silent', KEYWARD_MASTER_KEY: 'test-master-key-test-master-key-0123456789' },
      false,
    ),
    port: 0,
    host: '127.0.0.1',
    dataDir: inject('dataDir'),
    databaseUrl: inject('databaseUrl'),
    rateLimitPerMinute: 1_000_000,
    ...overrides,
  };
}

/** Starts a real HTTP server on the run's database. */
export async function startTestServer(
  opts: {
    clock?: Clock;
    config?: Partial<Config>;
    logDestination?: StartOptions['logDestination'];
    /** Serve the built dashboard and portal (apps/web/dist) at /admin and /portal. */
    web?: boolean;
  } = {},
): Promise<TestServer> {
  const config = testConfig(opts.config);
  const db = connectDatabase(inject('databaseUrl'), inject('databaseKind'));
  const server = await startServer(config, {
    web: opts.web ?? false,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.logDestination ? { logDestination: opts.logDestination } : {}),
    database: { db, close: () => db.close() },
  });
  const close = async () => {
    await server.close();
    await db.close();
  };
  return {
    ...server,
    close,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${server.url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // non-JSON bodies (metrics, HTML) stay text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
  };
}

export interface TestAccount {
  accountId: string;
  slug: string;
  ownerEmail: string;
  ownerPassword: string;
  /** An access token for a user of the given role in this account (users created on demand). */
  token(role?: Role): Promise<string>;
}

/** A fresh account: tests isolate by tenant instead of truncating tables. */
export async function createTestAccount(server: RunningServer): Promise<TestAccount> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const ownerPassword = 'correct-horse-battery-staple';
  const ownerEmail = `owner@${slug}.test`;
  const { accountId, ownerId } = await createAccount(
    server.ctx.db,
    {
      slug,
      name: slug,
      ownerEmail,
      ownerPassword,
    },
    server.parts.accountSeeders,
  );
  const users = new Map<Role, string>([['owner', ownerId]]);
  return {
    accountId,
    slug,
    ownerEmail,
    ownerPassword,
    async token(role: Role = 'owner') {
      let userId = users.get(role);
      if (!userId) {
        const [row] = await server.ctx.db.sql<{ id: string }[]>`
          insert into users (account_id, email, name, role, password_hash)
          values (${accountId}, ${`${role}@${slug}.test`}, ${role}, ${role}, ${await hashPassword(ownerPassword)}) returning id`;
        userId = row!.id;
        users.set(role, userId);
      }
      return signAccessToken(server.ctx.keyring.accessToken, { userId, accountId, role }, 900);
    },
  };
}

/** A test file's server and one account, started once per file. */
export interface OneAccountWorld {
  server: TestServer;
  account: TestAccount;
}

/** Registers beforeAll/afterAll that start a server with one account; read the fields inside tests. */
export function useOneAccountWorld(opts: { clock?: Clock; config?: Partial<Config> } = {}): OneAccountWorld {
  const world = {} as OneAccountWorld;
  beforeAll(async () => {
    world.server = await startTestServer(opts);
    world.account = await createTestAccount(world.server);
  });
  afterAll(() => world.server?.close());
  return world;
}

/** A test file's server and two accounts (A and B, for cross-account checks), started once per file. */
export interface TwoAccountWorld {
  server: TestServer;
  accountA: TestAccount;
  accountB: TestAccount;
}

/** Registers beforeAll/afterAll that start a server with two accounts; read the fields inside tests. */
export function useTwoAccountWorld(opts: { clock?: Clock; config?: Partial<Config> } = {}): TwoAccountWorld {
  const world = {} as TwoAccountWorld;
  beforeAll(async () => {
    world.server = await startTestServer(opts);
    world.accountA = await createTestAccount(world.server);
    world.accountB = await createTestAccount(world.server);
  });
  afterAll(() => world.server?.close());
  return world;
}
