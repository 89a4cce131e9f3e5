import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
/** Arbitrary constant naming the migration advisory lock. */
const MIGRATION_LOCK_ID = 740_211_001;

interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

function readMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(MIGRATIONS_DIR + file, 'utf8');
      return {
        version: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/**
 * Applies pending migrations, each in its own transaction, under a session advisory lock so that
 * several processes starting together apply them exactly once (the others wait, then find nothing to do).
 * A failed migration rolls back and leaves the schema as it was.
 */
export async function migrate(db: Database, log: (msg: string) => void = () => {}): Promise<string[]> {
  const migrations = readMigrations();
  const conn = await db.sql.reserve();
  const applied: string[] = [];
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await conn`create table if not exists schema_migrations (
      version text primary key, checksum text not null, applied_at timestamptz not null default now())`;
    const done = new Map(
      (
        await conn<{ version: string; checksum: string }[]>`select version, checksum from schema_migrations`
      ).map((r) => [r.version, r.checksum]),
    );
    for (const m of migrations) {
      const existing = done.get(m.version);
      if (existing) {
        if (existing !== m.checksum) log(`warning: migration ${m.version} changed after it was applied`);
        continue;
      }
      await conn`begin`;
      try {
        await conn.unsafe(m.sql);
        await conn`insert into schema_migrations (version, checksum) values (${m.version}, ${m.checksum})`;
        await conn`commit`;
      } catch (err) {
        await conn`rollback`;
        throw new Error(`migration ${m.version} failed: ${(err as Error).message}`);
      }
      applied.push(m.version);
      log(`applied migration ${m.version}`);
    }
  } finally {
    await conn`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    conn.release();
  }
  return applied;
}
