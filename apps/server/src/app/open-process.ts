import pino from 'pino';
import type { Config } from '../config/config.js';
import { createBus } from '../core/bus.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { AppContext } from '../core/context.js';
import { loadOnUse } from '../core/load-on-use.js';
import { deriveKeyring, loadMasterSecret, masterKeyCheckOf } from '../crypto/master-key.js';
import { type OpenedDatabase, openDatabase } from '../db/open.js';
import { loggerOptions } from '../http/logging.js';
import { migrateChecked } from '../startup/master-key-check.js';
import { ProcessRegistry } from '../startup/process-registry.js';
import { startRowSecurity } from '../startup/row-security.js';
import { buildProcess, type Process } from './parts.js';

export interface OpenOptions {
  clock?: Clock | undefined;
  /** Use an already open database (tests share one). */
  database?: OpenedDatabase | undefined;
  /** Where logs go (default stdout); tests capture them to prove secrets are redacted. */
  logDestination?: pino.DestinationStream | undefined;
}

/** A Keyward process before it does anything: its context and parts, and how to let go of them. */
export interface OpenedProcess {
  ctx: AppContext;
  keyward: Process;
  /** Stops the parts (flushing what is batched), leaves the running processes, closes the connections. */
  close(): Promise<void>;
}

/**
 * What every long-running process (`serve`, `worker`) does first: opens storage, checks the master key
 * and PUBLIC_URL against the database and its running processes, migrates, joins the running processes,
 * and builds the context and the process's parts (not started).
 */
export async function openProcess(config: Config, opts: OpenOptions = {}): Promise<OpenedProcess> {
  const logOptions = loggerOptions(config.logLevel) as pino.LoggerOptions;
  const log = opts.logDestination ? pino(logOptions, opts.logDestination) : pino(logOptions);
  const opened = opts.database ?? (await openDatabase(config, (m) => log.warn(m)));
  const { db } = opened;
  const secret = loadMasterSecret(config.masterKey, config.dataDir);
  // Refused before anything runs: another master key, or another PUBLIC_URL beside running processes.
  const registry = new ProcessRegistry(db, config.publicUrl, (err) =>
    log.warn({ err }, 'process heartbeat failed'),
  );
  try {
    await migrateChecked(db, masterKeyCheckOf(secret), (m) => log.info(m));
    await registry.register();
    await startRowSecurity(db, config.rowSecurity, (m) => log.warn(m));
  } catch (err) {
    if (!opts.database) await opened.close();
    throw err;
  }
  const redis = config.redisUrl
    ? new (loadOnUse('ioredis') as typeof import('ioredis')).Redis(config.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      })
    : undefined;
  redis?.on('error', (err) => log.warn({ err: err.message }, 'redis unavailable'));
  const ctx: AppContext = {
    config,
    db,
    keyring: deriveKeyring(secret),
    clock: opts.clock ?? systemClock,
    log,
    bus: await createBus(db),
    redis,
  };
  const keyward = buildProcess(ctx);
  return {
    ctx,
    keyward,
    async close() {
      await keyward.stop().catch((err) => log.error({ err }, 'stopping the process parts failed'));
      await registry.stop();
      await ctx.bus.close();
      redis?.disconnect();
      if (!opts.database) await opened.close();
    },
  };
}
