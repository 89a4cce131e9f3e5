import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/database.js';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';

export interface FreshDatabase {
  db: Database;
  /** Closes the connection and removes the database (or the embedded engine and its directory). */
  drop(): Promise<void>;
}

/** A brand-new empty database on the PostgreSQL server of `adminUrl`; `drop()` removes it. */
export async function scratchPostgresDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * A second, empty database of the run's kind: a throwaway PostgreSQL database on the same server, or
 * another embedded engine in a temp directory. Not migrated.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  if (inject('databaseKind') === 'postgres') {
    const scratch = await scratchPostgresDatabase(inject('databaseUrl'), 'keyward_fresh');
    const db = connectDatabase(scratch.url, 'postgres');
    return {
      db,
      async drop() {
        await db.close();
        await scratch.drop();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-fresh-'));
  const embedded = await startEmbeddedDatabase(dir);
  const db = connectDatabase(embedded.url, 'embedded');
  return {
    db,
    async drop() {
      await db.close();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An empty database for `keyward` child processes: `env` points them at it, `open` gives this process a handle. */
export interface FreshCliTarget {
  env: Record<string, string>;
  /** Opens it here (on the embedded engine, only while no child process has it). */
  open(): Promise<{ db: Database; close(): Promise<void> }>;
  drop(): Promise<void>;
}

export async function freshCliTarget(): Promise<FreshCliTarget> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-cli-'));
  if (inject('databaseKind') === 'postgres') {
    const scratch = await scratchPostgresDatabase(inject('databaseUrl'), 'keyward_cli');
    return {
      env: { DATABASE_URL: scratch.url, KEYWARD_DATA_DIR: dataDir },
      async open() {
        const db = connectDatabase(scratch.url, 'postgres');
        return { db, close: () => db.close() };
      },
      async drop() {
        await scratch.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  return {
    // The CLI's own path: no DATABASE_URL, so it starts the embedded engine in the data directory.
    env: { DATABASE_URL: '', KEYWARD_DATA_DIR: dataDir },
    async open() {
      const embedded = await startEmbeddedDatabase(dataDir);
      const db = connectDatabase(embedded.url, 'embedded');
      return {
        db,
        async close() {
          await db.close();
          await embedded.stop();
        },
      };
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
