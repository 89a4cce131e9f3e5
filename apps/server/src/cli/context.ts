import pino from 'pino';
import { openDatabase } from '../app/server.js';
import type { Config } from '../config/config.js';
import { createBus } from '../core/bus.js';
import { systemClock } from '../core/clock.js';
import type { AppContext } from '../core/context.js';
import { deriveKeyring, loadMasterSecret, masterKeyCheckOf } from '../crypto/master-key.js';
import { migrateChecked } from '../startup/master-key-check.js';

/**
 * Runs a CLI command with the context a server process has (database migrated, keys, the real clock,
 * the bus, so running servers hear what it changes), and closes it all afterwards.
 */
export async function withContext<T>(config: Config, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const opened = await openDatabase(config, (m) => console.error(m));
  try {
    const secret = loadMasterSecret(config.masterKey, config.dataDir);
    // The command works with this key (signing keys, sealed secrets): it must be the database's.
    await migrateChecked(opened.db, masterKeyCheckOf(secret));
    const ctx: AppContext = {
      config,
      db: opened.db,
      keyring: deriveKeyring(secret),
      clock: systemClock,
      log: pino({ level: 'warn' }),
      bus: await createBus(opened.db),
    };
    try {
      return await fn(ctx);
    } finally {
      await ctx.bus.close();
    }
  } finally {
    await opened.close();
  }
}
