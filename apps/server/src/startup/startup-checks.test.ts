import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort, type KeywardProcess, runKeyward, startKeyward } from '../../test/support/cli.js';
import { freshCliTarget, freshDatabase } from '../../test/support/fresh-database.js';
import { ConfigError } from '../config/config.js';
import { masterKeyCheckOf } from '../crypto/master-key.js';
import { migrateChecked } from './master-key-check.js';
import { ProcessRegistry } from './process-registry.js';

// Issue O: a process with another master key, or on another PUBLIC_URL beside running processes of the
// same database, refuses to start with a message naming the variable (no stack trace).

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-startup-'));
const running: KeywardProcess[] = [];
afterAll(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const KEY_A = 'startup-check-master-key-a-0123456789abcdef';
const KEY_B = 'startup-check-master-key-b-0123456789abcdef';

/** `keyward serve`; settles when it is running or has exited. */
async function serve(env: Record<string, string>) {
  const run = startKeyward(['serve'], { ...env, HOST: '127.0.0.1', PORT: String(await freePort()) }, dir);
  running.push(run);
  const deadline = Date.now() + 90_000;
  while (!run.output().includes('Keyward is running') && run.child.exitCode === null) {
    if (Date.now() > deadline) throw new Error(`serve neither started nor exited:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return run;
}

/** A refused start: non-zero, the message names `variable`, no stack trace. */
function expectRefused(result: { code: number | null; stderr: string }, variable: string) {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stderr).toMatch(new RegExp(`^keyward: ${variable} .*Refusing to start\\.$`, 'm'));
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('the master key check', () => {
  it('records the first key; `migrate` and `serve` with another key refuse to start', async () => {
    const target = await freshCliTarget();
    try {
      const first = await runKeyward(['migrate'], { ...target.env, KEYWARD_MASTER_KEY: KEY_A }, dir, 90_000);
      expect(first.code, first.stderr).toBe(0);

      const migrate = await runKeyward(
        ['migrate'],
        { ...target.env, KEYWARD_MASTER_KEY: KEY_B },
        dir,
        90_000,
      );
      expectRefused(migrate, 'KEYWARD_MASTER_KEY');

      const run = await serve({ ...target.env, KEYWARD_MASTER_KEY: KEY_B });
      expectRefused(await run.exited, 'KEYWARD_MASTER_KEY');

      const again = await runKeyward(['migrate'], { ...target.env, KEYWARD_MASTER_KEY: KEY_A }, dir, 90_000);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      await target.drop();
    }
  }, 240_000);

  it('is checked before migrating, so a wrong key changes nothing', async () => {
    const fresh = await freshDatabase();
    try {
      await migrateChecked(fresh.db, masterKeyCheckOf(Buffer.from(KEY_A)));
      await fresh.db.sql`delete from schema_migrations where version = '0001_foundation'`;
      const wrong = migrateChecked(fresh.db, masterKeyCheckOf(Buffer.from(KEY_B)));
      await expect(wrong).rejects.toThrow(ConfigError);
      await expect(wrong).rejects.toThrow(/KEYWARD_MASTER_KEY/);
      const [row] = await fresh.db.sql<{ n: number }[]>`
        select count(*)::int as n from schema_migrations where version = '0001_foundation'`;
      expect(row!.n).toBe(0); // the migrator did not run (it would have tried 0001 again)
    } finally {
      await fresh.drop();
    }
  });
});

describe('the running processes and their PUBLIC_URL', () => {
  it('ignores a process that stopped heartbeating, refuses beside a live one', async () => {
    const fresh = await freshDatabase();
    const warn = (err: unknown) => {
      throw err;
    };
    try {
      await migrateChecked(fresh.db, null);
      // Another host's process, silent for a minute: crashed, so a reconfigured start goes ahead.
      await fresh.db.sql`insert into server_processes (id, host, pid, public_url, heartbeat_at)
        values (${crypto.randomUUID()}, 'elsewhere', 1, 'https://old.example', now() - interval '60 seconds')`;
      const a = new ProcessRegistry(fresh.db, 'https://new.example', warn);
      await a.register();
      // The same PUBLIC_URL joins; another is refused while `a` runs, and accepted once it stopped.
      const b = new ProcessRegistry(fresh.db, 'https://new.example', warn);
      await b.register();
      const other = new ProcessRegistry(fresh.db, 'https://other.example', warn);
      await expect(other.register()).rejects.toThrow(/^PUBLIC_URL is https:\/\/other.example, but 2 running/);
      await a.stop();
      await b.stop();
      await other.register();
      const rows = await fresh.db.sql<{ public_url: string }[]>`select public_url from server_processes`;
      expect(rows.map((r) => r.public_url)).toEqual(['https://other.example']);
      await other.stop();
    } finally {
      await fresh.drop();
    }
  });

  // The embedded engine serves one process per data directory: two servers need PostgreSQL.
  it.skipIf(inject('databaseKind') !== 'postgres')(
    'a second process with another master key or PUBLIC_URL beside a running one refuses to start',
    async () => {
      const target = await freshCliTarget();
      const env = (key: string, url: string, name: string) => ({
        ...target.env,
        KEYWARD_DATA_DIR: path.join(dir, name),
        KEYWARD_MASTER_KEY: key,
        PUBLIC_URL: url,
      });
      try {
        const a = await serve(env(KEY_A, 'https://a.example', 'a'));
        expect(a.output()).toContain('Keyward is running');

        expectRefused(await (await serve(env(KEY_B, 'https://a.example', 'b'))).exited, 'KEYWARD_MASTER_KEY');
        const moved = await (await serve(env(KEY_A, 'https://moved.example', 'c'))).exited;
        expectRefused(moved, 'PUBLIC_URL');
        expect(moved.stderr).toContain('https://a.example');

        // Stopped gracefully, `a` leaves the registry: the deployment may move to its new PUBLIC_URL.
        a.child.kill('SIGTERM');
        expect((await a.exited).code).toBe(0);
        const d = await serve(env(KEY_A, 'https://moved.example', 'd'));
        expect(d.output()).toContain('Keyward is running');
        // Killed, `d` leaves its row behind; its pid is gone on this host, so the row is no obstacle.
        d.child.kill('SIGKILL');
        await d.exited;
        const e = await serve(env(KEY_A, 'https://a.example', 'e'));
        expect(e.output()).toContain('Keyward is running');
        e.child.kill('SIGTERM');
        expect((await e.exited).code).toBe(0);
      } finally {
        await target.drop();
      }
    },
    300_000,
  );
});
