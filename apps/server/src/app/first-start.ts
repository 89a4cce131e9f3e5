import pino from 'pino';
import { ensureDefaultAccount } from '../accounts/bootstrap.js';
import type { Config } from '../config/config.js';
import { createBus } from '../core/bus.js';
import { systemClock } from '../core/clock.js';
import { deriveKeyring, loadMasterSecret, masterKeyCheckOf } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open.js';
import { loadDemoDataAtStart } from '../first-run/service.js';
import { loggerOptions } from '../http/logging.js';
import { JobRunner } from '../jobs/runner.js';
import { migrateChecked } from '../startup/master-key-check.js';
import { ProcessRegistry } from '../startup/process-registry.js';
import { keywardJobs } from './jobs.js';

export interface Prepared {
  generatedAdmin?: { email: string; password: string };
  demoData?: string;
}

/**
 * What a cluster's primary does once before it forks workers: the start-up checks (master key,
 * PUBLIC_URL beside the running processes), migrations, the first account and the demo catalogue. So a
 * refusal is printed once, and the generated owner password once, not by every worker. Also installs
 * the job queue's tables and queues: pg-boss installing them from several processes at once deadlocks.
 * Holds no connection afterwards: the primary serves nothing itself.
 */
export async function prepareDeployment(config: Config, opts: { demo: boolean }): Promise<Prepared> {
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions);
  const opened = await openDatabase(config, (m) => log.warn(m));
  try {
    const secret = loadMasterSecret(config.masterKey, config.dataDir);
    await migrateChecked(opened.db, masterKeyCheckOf(secret), (m) => log.info(m));
    // Join and leave at once: the check is what is wanted; each worker joins for itself.
    const registry = new ProcessRegistry(opened.db, config.publicUrl, (err) =>
      log.warn({ err }, 'process registry failed'),
    );
    await registry.register();
    await registry.stop();
    const created = await ensureDefaultAccount(opened.db, {
      email: config.adminEmail,
      password: config.adminPassword,
    });
    const demoData = opts.demo ? await loadDemoDataAtStart(opened.db) : undefined;
    await installJobQueue(config, opened.db, secret, log);
    return {
      ...(created?.generatedPassword
        ? { generatedAdmin: { email: config.adminEmail, password: created.generatedPassword } }
        : {}),
      ...(demoData ? { demoData } : {}),
    };
  } finally {
    await opened.close();
  }
}

async function installJobQueue(
  config: Config,
  db: Database,
  secret: Buffer,
  log: pino.Logger,
): Promise<void> {
  const ctx = {
    config,
    db,
    keyring: deriveKeyring(secret),
    clock: systemClock,
    log,
    bus: await createBus(db),
  };
  try {
    // Two primaries starting together on a new database can meet there: the runner retries a deadlock.
    const runner = new JobRunner(ctx, keywardJobs(ctx));
    await runner.start({ work: false, schedule: false });
    await runner.stop();
  } finally {
    await ctx.bus.close();
  }
}
