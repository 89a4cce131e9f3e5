import postgres from 'postgres';
import { APP_ROLE, accountSql, beginAsAccount } from './row-security.js';
import { databaseSocketOpener } from './socket.js';

export type Sql = postgres.Sql;
export type TxSql = postgres.TransactionSql;
/** Anything that runs queries: the pool or an open transaction. */
export type Queryable = Sql | TxSql;

/** The application's handle on its database, whichever engine backs it. */
export interface Database {
  /** Queries. On the process's own handle, the owner connection: every account's rows, keyed in code. */
  readonly sql: Sql;
  /** The owner connection, even on an account's handle: for what serves every account (the operator, the job queue). */
  readonly system: Sql;
  kind: 'embedded' | 'postgres';
  url: string;
  /** Runs `fn` in a transaction, retrying serialization failures and deadlocks. */
  tx<T>(fn: (tx: TxSql) => Promise<T>): Promise<T>;
  /** True once `forAccount` confines by row-level security. */
  readonly rowSecurity: boolean;
  /** Opens the app role's pool (migration 0036 made the role); `forAccount` uses it from then on. */
  enableRowSecurity(): Promise<void>;
  /**
   * This database as one account's request sees it: with row-level security on, its queries and
   * transactions run as the app role with the account set, so one that forgets the account still
   * sees only that account's rows. Without it, this same handle.
   */
  forAccount(accountId: string): Database;
  /** The process's own handle (the owner connection), from any handle: for the operator's work across accounts. */
  acrossAccounts(): Database;
  /**
   * Calls `fn` with the payload of every notification on `channel` (NOTIFY, heard when its transaction
   * commits) until the returned function is called. On PostgreSQL through a connection of its own; on
   * the embedded engine, whose one session is this process's, on that session.
   */
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  /** True when a trivial query answers within a short time. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const RETRYABLE_TX_CODES: ReadonlySet<string> = new Set(['40001', '40P01']);

/** Connects to PostgreSQL (server or embedded socket). Connections open lazily and reconnect by themselves. */
export function connectDatabase(url: string, kind: Database['kind'], maxConnections?: number): Database {
  // The embedded engine's notifications arrive on its one connection: the channels listened to there.
  const heard = new Map<string, Set<(payload: string) => void>>();
  // The app role's pool (row-level security) serves staff and portal requests only: half the size.
  const pool = (role?: string) =>
    postgres(url, {
      // PGlite is single-connection: one socket, queries queue in the client.
      max: kind === 'embedded' ? 1 : Math.ceil((maxConnections ?? 10) / (role ? 2 : 1)),
      idle_timeout: kind === 'embedded' ? 0 : 60,
      connect_timeout: 5,
      // postgres.js waits 3^n/100 s (up to 20 s) before reconnecting, n counting failures across the pool;
      // a request queued during an outage waited that long (reliability 24). A second at most, with jitter.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
      onnotice: () => {},
      // Typed by postgres.js's runtime only: a notification on an ordinary connection (the embedded one).
      ...({
        onnotify: (channel: string, payload: string) => {
          for (const fn of heard.get(channel) ?? []) fn(payload);
        },
      } as object),
      // Named prepared statements on both engines: PGlite plans an unnamed statement again on every
      // execution, which was most of the embedded engine's time per heartbeat (B12 1.45× with them).
      prepare: true,
      // The embedded engine keeps one backend for every connection the worker is ever given, and a
      // connection's prepared statements outlive it there: no periodic reconnect (postgres.js's default
      // recycles each connection after 30–60 minutes), so they are not stranded every hour.
      ...(kind === 'embedded' ? { max_lifetime: null } : {}),
      // `role` in the start-up packet: the session runs as that role from its first statement.
      connection: { application_name: 'keyward', ...(role ? { role } : {}) },
      // Typed by postgres.js's runtime only: it opens every connection through this (Nagle off).
      ...({ socket: databaseSocketOpener() } as object),
    });
  const sql = pool();
  /**
   * The embedded engine: LISTEN on its one session. Never UNLISTEN: every handle on the engine (a test's
   * second server) shares that session, and its other listeners would stop hearing. A notification
   * with no listener left here is dropped by postgres.js.
   */
  const listenOnSession = async (channel: string, fn: (payload: string) => void) => {
    let fns = heard.get(channel);
    if (!fns) {
      fns = new Set();
      heard.set(channel, fns);
      await sql`listen ${sql(channel)}`;
    }
    fns.add(fn);
    return async () => {
      fns.delete(fn);
    };
  };
  let app: Sql | undefined;
  const appBegin = <T>(fn: (tx: TxSql) => Promise<T>) => begin(app!, fn);
  const handle = (confinedTo?: string): Database => ({
    sql: confinedTo ? accountSql(sql, appBegin, confinedTo) : sql,
    system: sql,
    kind,
    url,
    get rowSecurity() {
      return app !== undefined;
    },
    async enableRowSecurity() {
      if (app) return;
      const candidate = pool(APP_ROLE);
      try {
        await candidate`select 1`;
      } catch (err) {
        // The role cannot log in (or is gone): its pool must not outlive the refusal.
        await candidate.end({ timeout: 1 });
        throw err;
      }
      app = candidate;
    },
    forAccount: (accountId) => (app ? handle(accountId) : root),
    acrossAccounts: () => root,
    tx: <T>(fn: (tx: TxSql) => Promise<T>) =>
      retryingConflicts(() => (confinedTo ? beginAsAccount(appBegin, confinedTo, fn) : begin(sql, fn))),
    listen: (channel, fn) =>
      kind === 'postgres' ? listenOnOwnConnection(sql, channel, fn) : listenOnSession(channel, fn),
    ping: () => ping(sql),
    async close() {
      await Promise.all([sql.end({ timeout: 5 }), app?.end({ timeout: 5 })]);
    },
  });
  const root = handle();
  return root;
}

/** PostgreSQL: LISTEN on postgres.js's connection for notifications (it listens again after a reconnect). */
async function listenOnOwnConnection(sql: Sql, channel: string, fn: (payload: string) => void) {
  const listening = await sql.listen(channel, fn);
  return () => listening.unlisten();
}

/** Runs a transaction again on a serialization failure or a deadlock, up to 5 times. */
async function retryingConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (!code || !RETRYABLE_TX_CODES.has(code) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, attempt * 5 + Math.random() * 10));
    }
  }
}

async function ping(sql: Sql): Promise<boolean> {
  try {
    await Promise.race([
      sql`select 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 2000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * `Promise.all` for work sent together in one transaction, where a part sends several statements in
 * turn: it waits for every part before it fails, so no part sends a statement after the transaction has
 * ended (postgres.js would run it on the released connection, outside any transaction). It fails with
 * the first error that is not PostgreSQL's "transaction is aborted" (25P02), the cause of the others.
 */
export async function sentTogether<T extends readonly unknown[] | []>(
  parts: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(parts);
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length)
    throw failures.find((e) => (e as { code?: string } | null)?.code !== '25P02') ?? failures[0];
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as never;
}

/** Where a transaction opened by `begin` keeps its commit buffers (on the transaction itself). */
const COMMIT_BUFFERS = Symbol('keyward.commitBuffers');
interface CommitBuffer {
  items: unknown[];
  flush: (items: unknown[]) => Promise<void>;
}
type WithCommitBuffers = { [COMMIT_BUFFERS]?: Map<symbol, CommitBuffer> };

/**
 * The list, under `key`, of what the transaction `q` writes when it commits, `flush` writing it; null
 * when `q` is not a transaction opened by `begin` (write at once then). Events use it to reach the log in
 * one insert per transaction. `flush` must send its one statement before it first waits: the statement
 * goes out with the COMMIT, without waiting for its answer; when it fails, PostgreSQL turns that COMMIT
 * into a rollback and the transaction's caller gets the statement's error.
 */
export function commitBuffer<T>(q: Queryable, key: symbol, flush: (items: T[]) => Promise<void>): T[] | null {
  const buffers = (q as WithCommitBuffers)[COMMIT_BUFFERS];
  if (!buffers) return null;
  let buffer = buffers.get(key);
  if (!buffer) {
    buffer = { items: [], flush: flush as CommitBuffer['flush'] };
    buffers.set(key, buffer);
  }
  return buffer.items as T[];
}

/**
 * `sql.begin`, made safe for a connection that closes mid-transaction. postgres.js 3.4.9 answers a failed
 * callback with ROLLBACK on the same connection; when that connection has closed, the deferred write
 * dereferences a null socket outside any promise and the process crashes (porsager/postgres#1154, #1208;
 * reliability scenario 24). Closing rejects both the query and `begin()` in one turn, so one turn later we
 * know: if the connection is gone, `begin()` has already rejected with CONNECTION_CLOSED and the callback
 * is left pending, so no ROLLBACK is ever written (the server rolls back a dropped session anyway).
 */
export async function begin<T>(sql: Sql, fn: (tx: TxSql) => Promise<T>, options = ''): Promise<T> {
  let connectionClosed = false;
  let sentWithCommit: Promise<void>[] = [];
  const run = async (tx: TxSql) => {
    const buffers = new Map<symbol, CommitBuffer>();
    (tx as WithCommitBuffers)[COMMIT_BUFFERS] = buffers;
    try {
      const result = await fn(tx);
      sentWithCommit = [...buffers.values()]
        .filter((b) => b.items.length > 0)
        .map((b) => {
          const sent = b.flush(b.items);
          sent.catch(() => {}); // seen below, once the COMMIT has answered
          return sent;
        });
      return result;
    } catch (err) {
      await new Promise((resolve) => setImmediate(resolve));
      if (connectionClosed) return new Promise<never>(() => {});
      throw err;
    }
  };
  try {
    const result = (await (options ? sql.begin(options, run) : sql.begin(run))) as T;
    await Promise.all(sentWithCommit);
    return result;
  } catch (err) {
    connectionClosed = true; // also after an ordinary failure, when nothing is pending any more
    throw err;
  }
}

const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02',
  '57P03', // cannot_connect_now
  '53300', // too_many_connections: the server is full right now; a retry can get in
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** True for errors that mean "the database is unreachable right now", as opposed to a bad query. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

/** Retries `fn` while the database is unreachable, up to `timeoutMs`. Used at start-up. */
export async function waitForDatabase(
  db: Database,
  timeoutMs: number,
  log: (msg: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.sql`select 1`;
      return;
    } catch (err) {
      if (!isConnectionError(err) || Date.now() > deadline) throw err;
      if (attempt === 1) log(`database not reachable yet (${(err as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * attempt)));
    }
  }
}
