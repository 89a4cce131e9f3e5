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
import { recordEvent } from '../../src/events/record.js';

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
    clientRateLimitPerMinute: 1_000_000,
    keyGuessesPerMinute: 1_000_000,
    // Queued runs are worked, but nothing is scheduled: test files share one database, each on its own
    // clock, and a scheduled sweep with one file's clock would expire or release another file's rows.
    jobs: 'work',
    // Failed runs' retries and runs of a killed process are found by looking: as often as before runs
    // were announced, so tests of retries do not wait out the production interval.
    jobPollSeconds: 2,
    // Test receivers listen on loopback; any test server may be the one that delivers (one database).
    webhookAllowedHosts: ['127.0.0.1', '::1', 'localhost'],
    ...overrides,
  };
}

export interface ServerOptions {
  clock?: Clock;
  config?: Partial<Config>;
  logDestination?: StartOptions['logDestination'];
  /** Serve the built dashboard and portal (apps/web/dist) at /admin and /portal. */
  web?: boolean;
}

/** Starts a real HTTP server on the run's database; the caller closes it (useServer does both). */
export async function startTestServer(opts: ServerOptions = {}): Promise<TestServer> {
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

/**
 * A fresh account: tests isolate by tenant instead of truncating tables. Its catalogue is empty, as a
 * new account's is; `demo` loads the demo catalogue (plans free … enterprise) the way the dashboard does.
 */
export async function createTestAccount(
  server: TestServer | RunningServer,
  opts: { demo?: boolean } = {},
): Promise<TestAccount> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const ownerPassword = 'correct-horse-battery-staple';
  const ownerEmail = `owner@${slug}.test`;
  const { accountId, ownerId } = await createAccount(server.ctx.db, {
    slug,
    name: slug,
    ownerEmail,
    ownerPassword,
  });
  const account = accountHandle(server, { accountId, slug, ownerEmail, ownerPassword }, ownerId);
  if (opts.demo) await loadDemoCatalogue(server, account);
  return account;
}

/** Tokens for users of an existing account, made on demand by role (the owner given). */
function accountHandle(
  server: TestServer | RunningServer,
  a: Omit<TestAccount, 'token'>,
  ownerId: string,
  emailDomain = `${a.slug}.test`,
): TestAccount {
  const { accountId, ownerPassword } = a;
  const users = new Map<Role, string>([['owner', ownerId]]);
  const sessions = new Map<string, string>();
  return {
    ...a,
    async token(role: Role = 'owner') {
      let userId = users.get(role);
      if (!userId) {
        const email = `${role}@${emailDomain}`;
        userId = await insertTestUser(server, accountId, email, role, ownerPassword);
        users.set(role, userId);
      }
      let sessionId = sessions.get(userId);
      if (!sessionId) {
        // A session as signing in makes one (a refresh-token family), so the guard finds it live.
        sessionId = randomUUID();
        await server.ctx.db.sql`
          insert into refresh_tokens (account_id, user_id, family_id, token_digest, expires_at)
          values (${accountId}, ${userId}, ${sessionId}, ${`test-${sessionId}`}, ${new Date('2100-01-01')})`;
        sessions.set(userId, sessionId);
      }
      return signAccessToken(server.ctx.keyring.accessToken, { userId, accountId, role, sessionId }, 900);
    },
  };
}

async function insertTestUser(
  server: TestServer | RunningServer,
  accountId: string,
  email: string,
  role: Role,
  password: string,
): Promise<string> {
  const [row] = await server.ctx.db.sql<{ id: string }[]>`
    insert into users (account_id, email, name, role, password_hash)
    values (${accountId}, ${email}, ${role}, ${role}, ${await hashPassword(password)}) returning id`;
  // As creating a user through the API would, so no row is without its event.
  await recordEvent(server.ctx.db.sql, {
    accountId,
    type: 'user.created',
    actor: { type: 'system' },
    subject: { type: 'user', id: row!.id },
    data: { email, role },
  });
  return row!.id;
}

/**
 * The server's first account (slug `default`, made on first start), with an owner of its own for this
 * test: the operator who may manage the other accounts.
 */
export async function operatorAccount(server: TestServer | RunningServer): Promise<TestAccount> {
  const [row] = await server.ctx.db.sql<{ id: string }[]>`select id from accounts where slug = 'default'`;
  const ownerPassword = 'correct-horse-battery-staple';
  // Test files share the first account: each operator's users have a domain of their own.
  const domain = `op-${randomUUID().slice(0, 8)}.test`;
  const ownerEmail = `owner@${domain}`;
  const ownerId = await insertTestUser(server, row!.id, ownerEmail, 'owner', ownerPassword);
  return accountHandle(
    server,
    { accountId: row!.id, slug: 'default', ownerEmail, ownerPassword },
    ownerId,
    domain,
  );
}

/** Loads the demo catalogue into the account through the API (`POST /api/v1/demo-data`). */
export async function loadDemoCatalogue(server: RunningServer, account: TestAccount) {
  const res = await fetch(`${server.url}/api/v1/demo-data`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await account.token('owner')}` },
  });
  const body = await res.json();
  if (res.status !== 200)
    throw new Error(`loading the demo data failed: ${res.status} ${JSON.stringify(body)}`);
  return body as {
    created: number;
    product: { id: string; code: string };
    plans: { id: string; code: string }[];
  };
}

/**
 * A test file's setup, written once: `useServer(opts)` registers a beforeAll that starts the servers and
 * creates the accounts, and an afterAll that closes the servers; it returns a World whose fields are
 * filled in beforeAll, so read them inside tests and hooks (`world.server`), never at module level.
 * Call it at the top of a file, or inside a describe to scope the servers to that block (a block that
 * is skipped starts nothing). Setup of its own (fixtures, tokens, a browser) goes in the file's next
 * beforeAll, which runs after this one; its afterAll runs before the servers close.
 *
 *   const world = useServer();                                  // one server, one account
 *   const world = useServer({ clock, config: { redisUrl } });   // startTestServer's options
 *   const world = useServer({ servers: 2, accounts: 0 });       // two servers sharing clock and config
 *   const world = useServer({ demo: true });                    // accounts with the demo catalogue (free … enterprise)
 *   const world = useTwoAccountWorld();                         // accountA and accountB, cross-account checks
 *
 * A test that needs a server of its own mid-test (a restart, a captured log) calls startTestServer itself.
 */
export interface World {
  /** The first server, where the accounts are created. */
  server: TestServer;
  /** Every server (opts.servers): one database, one clock, one config, as separate processes would be. */
  servers: TestServer[];
  /** accounts[0]; undefined with `accounts: 0`. */
  account: TestAccount;
  /** Fresh accounts (opts.accounts): tests isolate by tenant. */
  accounts: TestAccount[];
}

export interface WorldOptions extends ServerOptions {
  /** How many servers to start (default 1). More than one needs PostgreSQL: the embedded engine serves one. */
  servers?: number;
  /** How many accounts to create on the first server (default 1). */
  accounts?: number;
  /** Load the demo catalogue (plans free … enterprise) into each account; new accounts start empty. */
  demo?: boolean;
}

export function useServer(opts: WorldOptions = {}): World {
  const { servers = 1, accounts = 1, demo = false, ...serverOpts } = opts;
  const world = { servers: [], accounts: [] } as unknown as World;
  beforeAll(async () => {
    for (let i = 0; i < servers; i++) world.servers.push(await startTestServer(serverOpts));
    world.server = world.servers[0]!;
    for (let i = 0; i < accounts; i++) world.accounts.push(await createTestAccount(world.server, { demo }));
    world.account = world.accounts[0]!;
  });
  afterAll(async () => {
    for (const s of world.servers) await s.close();
  });
  return world;
}

/** A World with two accounts named for cross-account checks (the shape runSecuritySuite reads). */
export interface TwoAccountWorld extends World {
  accountA: TestAccount;
  accountB: TestAccount;
}

export function useTwoAccountWorld(opts: Omit<WorldOptions, 'accounts'> = {}): TwoAccountWorld {
  const world = useServer({ ...opts, accounts: 2 });
  return Object.defineProperties(world, {
    accountA: { get: () => world.accounts[0] },
    accountB: { get: () => world.accounts[1] },
  }) as TwoAccountWorld;
}
