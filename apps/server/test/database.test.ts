import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/server.js';
import { DataDirLockedError, lockDataDir } from '../src/db/data-dir-lock.js';
import { connectDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { type Exited, freePort, startKeyward } from './support/cli.js';
import { scratchPostgresDatabase } from './support/fresh-database.js';
import { createTestAccount, testConfig } from './support/server.js';

const MIGRATIONS = readdirSync(fileURLToPath(new URL('../migrations/', import.meta.url)))
  .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
  .map((f) => f.replace(/\.sql$/, ''))
  .sort();

/** The real PostgreSQL server: the run's DATABASE_URL, else the local one CI provides. */
const PG_ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
const pgReachable = await reachable(PG_ADMIN_URL);

/** A brand-new empty database on the real server; `drop()` removes it. */
const freshDatabase = () => scratchPostgresDatabase(PG_ADMIN_URL, 'keyward_dbtest');

async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function healthStatus(base: string): Promise<number | undefined> {
  const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(!pgReachable)('migrations on a brand-new PostgreSQL database', () => {
  it('three concurrent migrate() calls all succeed and apply each migration exactly once', async () => {
    const fresh = await freshDatabase();
    const dbs = [1, 2, 3].map(() => connectDatabase(fresh.url, 'postgres', 2));
    try {
      const results = await Promise.all(dbs.map((db) => migrate(db)));
      // One of them applied everything; the others waited on the lock and found nothing to do.
      expect(results.map((r) => r.length).sort((a, b) => a - b)).toEqual([0, 0, MIGRATIONS.length]);
      const rows = await dbs[0]!.sql<{ version: string; n: number }[]>`
        select version, count(*)::int as n from schema_migrations group by version order by version`;
      expect(rows).toEqual(MIGRATIONS.map((version) => ({ version, n: 1 })));
      const [tables] = await dbs[0]!.sql<{ n: number }[]>`
        select count(*)::int as n from pg_tables where schemaname = 'public' and tablename in ('accounts', 'users', 'events')`;
      expect(tables!.n).toBe(3);
      // A later run is a no-op.
      expect(await migrate(dbs[1]!)).toEqual([]);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await fresh.drop();
    }
  });

  it('three `keyward migrate` processes started together all exit 0; the schema exists once', async () => {
    const fresh = await freshDatabase();
    const cwd = mkdtempSync(path.join(tmpdir(), 'keyward-migrate-'));
    try {
      const runs = [1, 2, 3].map(() => startKeyward(['migrate'], { DATABASE_URL: fresh.url }, cwd));
      const exits = await Promise.all(runs.map((r) => r.exited));
      for (const e of exits) {
        expect(e.code, e.stdout + e.stderr).toBe(0);
        expect(e.stdout).toContain('migrations are up to date');
      }
      const applied = exits.flatMap((e) => e.stdout.match(/applied migration \S+/g) ?? []);
      expect(applied.sort()).toEqual(MIGRATIONS.map((m) => `applied migration ${m}`));
      const check = postgres(fresh.url, { max: 1, onnotice: () => {} });
      try {
        const rows = await check<{ version: string; n: number }[]>`
          select version, count(*)::int as n from schema_migrations group by version order by version`;
        expect(rows).toEqual(MIGRATIONS.map((version) => ({ version, n: 1 })));
      } finally {
        await check.end({ timeout: 5 });
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      await fresh.drop();
    }
  }, 120_000);
});

describe('data directory lock', () => {
  it('refuses a second owner that is alive, takes over a lock left by a dead process', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyward-lock-'));
    try {
      const lockFile = path.join(dir, 'keyward.lock');
      writeFileSync(lockFile, String(process.ppid)); // a live process that is not us
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(/in use by another Keyward process/);

      writeFileSync(lockFile, '2147483646'); // no such process
      const unlock = lockDataDir(dir);
      expect(existsSync(lockFile)).toBe(true);
      unlock();
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a second `keyward serve` on the same data directory exits non-zero; the first keeps serving and stops cleanly on SIGTERM', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'keyward-serve-'));
    const dataDir = path.join(cwd, 'data');
    const env = {
      DATABASE_URL: undefined,
      KEYWARD_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      ADMIN_PASSWORD: undefined,
      ADMIN_EMAIL: 'first@example.com',
    };
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = startKeyward(['serve'], { ...env, PORT: String(port) }, cwd);
    let firstExit: Exited | undefined;
    void first.exited.then((e) => {
      firstExit = e;
    });
    try {
      await poll(
        async () => {
          if (firstExit) throw new Error('exited');
          return (await healthStatus(base)) === 200 ? true : undefined;
        },
        60_000,
        'the first server',
      ).catch((err) => {
        throw new Error(`${(err as Error).message}\n${first.output()}`);
      });
      expect(first.output()).toContain('Keyward is running');
      // First start without ADMIN_PASSWORD: the generated owner password is printed once.
      expect(first.output()).toMatch(/Email\s+first@example\.com/);
      expect(first.output()).toMatch(/Password\s+\S{12,}/);
      for (const p of ['/docs', '/openapi.json', '/metrics']) {
        expect((await fetch(`${base}${p}`)).status, p).toBe(200);
      }
      const admin = await fetch(`${base}/admin`);
      expect(admin.headers.get('content-type')).toMatch(/text\/html/); // the dashboard (503 page if not built)
      expect(await admin.text()).toMatch(/<html|<!doctype/i);

      const second = await startKeyward(['serve'], { ...env, PORT: String(await freePort()) }, cwd).exited;
      expect(second.code, second.stdout + second.stderr).not.toBe(0);
      expect(second.code).not.toBeNull();
      expect(second.stderr).toContain('in use by another Keyward process');
      expect(second.stdout).not.toContain('Keyward is running');

      expect(await healthStatus(base)).toBe(200);
      expect(existsSync(path.join(dataDir, 'keyward.lock'))).toBe(true);

      first.child.kill('SIGTERM');
      const exit = await first.exited;
      expect(exit.signal, first.output()).toBeNull();
      expect(exit.code, first.output()).toBe(0);
      expect(existsSync(path.join(dataDir, 'keyward.lock'))).toBe(false);
    } finally {
      if (!firstExit && first.child.exitCode === null) first.child.kill('SIGKILL');
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});

/** A TCP proxy in front of the database that the test can cut and restore, as if PostgreSQL stopped. */
class CuttableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops accepting and drops every open connection. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }
}

interface ApiBody {
  data: unknown[];
  error: { code: string; message: string; request_id: string };
}

describe('database outage under a running server', () => {
  const kind = inject('databaseKind');
  const target = new URL(inject('databaseUrl'));
  const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
  let server: RunningServer | undefined;
  let closeDb: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await server?.close();
    await closeDb?.();
    await proxy.cut();
  });

  it('/health says down (503) and API calls get 503 DATABASE_UNAVAILABLE; the same process recovers when the database returns', async () => {
    await proxy.open();
    const proxied = new URL(target);
    proxied.port = String(proxy.port);
    const db = connectDatabase(proxied.toString(), kind);
    closeDb = () => db.close();
    server = await startServer(testConfig(), { web: false, database: { db, close: () => db.close() } });
    const account = await createTestAccount(server);
    const token = await account.token('owner');
    const base = server.url;
    const api = async () => {
      const res = await fetch(`${base}/api/v1/users`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as ApiBody };
    };
    const health = async () => {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: (await res.json()) as { status: string; database: string } };
    };
    expect((await health()).status).toBe(200);
    expect((await api()).status).toBe(200);

    await proxy.cut();

    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ database: 'down' });
    expect((await fetch(`${base}/ready`)).status).toBe(503);

    const refused = await api();
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error.request_id).toEqual(expect.any(String));
    // Still 503 (not 500) on a second try while it is down.
    expect((await api()).status).toBe(503);

    await proxy.open(); // same port: the database is back

    await poll(
      async () => ((await health()).status === 200 ? true : undefined),
      15_000,
      '/health to recover',
    );
    const back = await poll(
      async () => {
        const res = await api();
        return res.status === 200 ? res : undefined;
      },
      15_000,
      'the API to recover',
    );
    expect(back.body.data.length).toBeGreaterThan(0);
  }, 60_000);
});
