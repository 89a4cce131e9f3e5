import { ConfigError } from '../config/config.js';
import type { Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { recordMasterKeyCheck, startupTablesExist } from './repository.js';

/**
 * Refuses a master key other than the one the database was set up with: such a process could not
 * open license keys, signing keys or sessions, and what it wrote no other process could read. The first
 * process records its key's check value (`masterKeyCheckOf`). `check` null (no key configured and no
 * master.key: a `migrate` run from elsewhere) checks and records nothing.
 */
export async function verifyMasterKey(db: Database, check: string | null): Promise<void> {
  if (check === null || !(await startupTablesExist(db.sql))) return;
  const recorded = await recordMasterKeyCheck(db.sql, check);
  if (recorded !== check)
    throw new ConfigError(
      `KEYWARD_MASTER_KEY is not the master key this database was set up with (its check value is ${check}, the database's is ${recorded}). ` +
        'Every process of one database needs the same key (KEYWARD_MASTER_KEY, or the same master.key in its data directory): ' +
        'with another, stored license keys, signing keys and secrets cannot be read. Refusing to start.',
    );
}

/**
 * `migrate`, with the master key checked before (a wrong key changes nothing) and after (the first
 * start records it, once migration 0027 has made its table).
 */
export async function migrateChecked(
  db: Database,
  check: string | null,
  log?: (msg: string) => void,
): Promise<void> {
  await verifyMasterKey(db, check);
  await migrate(db, log);
  await verifyMasterKey(db, check);
}
