import pino from 'pino';
import { ensureDefaultAccount } from '../accounts/bootstrap.js';
import type { Config } from '../config/config.js';
import { createBus } from '../core/bus.js';
import { systemClock } from '../core/clock.js';
import type { AppContext } from '../core/context.js';
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
    await installJobQueueFresh(config, opened.db, secret, log);
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

async function installJobQueueFresh(
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
    await installJobQueue(ctx);
  } finally {
    await ctx.bus.close();
  }
}

/**
 * Installs (or upgrades) the job queue's tables and queues, and nothing more. Two processes starting
 * together on a new database (compose.yaml's two services, a server and a worker) can meet there: the
 * one that lost the deadlock tries again once the other is through.
 */
export async function installJobQueue(ctx: AppContext): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const runner = new JobRunner(ctx, keywardJobs(ctx));
    try {
      await runner.start({ work: false, schedule: false });
      await runner.stop();
      return;
    } catch (err) {
      if (attempt === 3 || !/deadlock/i.test((err as Error).message)) throw err;
      ctx.log.warn({ err: (err as Error).message }, 'installing the job queue: trying again');
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
