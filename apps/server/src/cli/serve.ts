import cluster from 'node:cluster';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { startBackground } from '../app/background.js';
import { BACKGROUND_READY, ROLE_ENV, WorkerPool } from '../app/cluster.js';
import { prepareDeployment } from '../app/first-start.js';
import { startServer } from '../app/server.js';
import { stopOnSignal } from '../app/stop-on-signal.js';
import { type Config, ConfigError } from '../config/config.js';
import { answerWithoutMetrics } from '../ops/cluster-metrics.js';

/** How long a stopping worker keeps serving the connections it was handed before closing. */
const DRAIN_MS = 500;

export interface ServeOptions {
  demo?: boolean;
  /** `--workers N`: processes sharing the port (default one per core on PostgreSQL, 1 embedded). */
  workers?: string;
}

/**
 * `keyward serve`: starts everything and prints where to find it. One worker runs in this process, as
 * it always has; several run under a node:cluster primary that migrates and bootstraps once first.
 */
export async function serveCommand(config: Config, opts: ServeOptions = {}): Promise<void> {
  if (cluster.isWorker) return serveAsWorker(config);
  const workers = workerCount(config, opts.workers);
  if (workers === 1) {
    const server = await startServer(config, { installSignalHandlers: true, demo: opts.demo === true });
    printBanner(config, server.ctx.db.kind, server);
    return;
  }
  const prepared = await prepareDeployment(config, { demo: opts.demo === true });
  const pool = new WorkerPool(config, workers);
  const pids = await pool.start();
  const background = pool.pids('background');
  printBanner(config, 'postgres', prepared, [
    `  Workers    ${workers} (pids ${pids.join(', ')}); SIGHUP replaces them one at a time`,
    ...(background.length
      ? [`  Background jobs, webhooks and email in their own worker (pid ${background.join(', ')})`]
      : []),
  ]);
}

/**
 * How many processes to run. The embedded database allows one process per data directory, so more is
 * refused rather than quietly reduced: the operator asked for something this setup cannot give.
 */
export function workerCount(config: Config, requested: string | undefined): number {
  if (requested === undefined) return config.databaseUrl ? availableParallelism() : 1;
  const n = Number(requested);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new ConfigError(`--workers must be a whole number from 1 to 256; got "${requested}"`);
  if (n > 1 && !config.databaseUrl)
    throw new ConfigError(
      `--workers ${n} needs PostgreSQL (DATABASE_URL): the embedded database allows one process per data directory. ` +
        'Run with --workers 1, or set DATABASE_URL.',
    );
  return n;
}

/**
 * A forked worker: serves (or, as the background worker, does the jobs, deliveries and email), prints
 * nothing (the primary did), and stops when the primary says so.
 */
async function serveAsWorker(config: Config): Promise<void> {
  // Ctrl-C and a terminal's hang-up reach the whole process group; the primary handles them and
  // stops the workers itself (SIGTERM), all at once or one at a time.
  for (const signal of ['SIGINT', 'SIGHUP', 'SIGUSR2'] as const) process.on(signal, () => {});
  if (process.env[ROLE_ENV] === 'background') return backgroundWorker(config);
  const server = await startServer(config);
  const stop = async () => {
    // Stop taking connections first (the primary hands new ones to the other workers) without
    // http's closing of idle ones, and give those already handed here a moment to send their
    // request: a request that arrives after Fastify's close began is answered 503.
    net.Server.prototype.close.call(server.app.server);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
    await server.close();
  };
  stopOnSignal(stop, server.ctx.log);
}

/** The pool's background worker: the jobs, deliveries and email, until the primary's SIGTERM. */
async function backgroundWorker(config: Config): Promise<void> {
  // The primary gathers every worker's metrics for a scrape: this one has none of its own to add.
  answerWithoutMetrics();
  const background = await startBackground(config);
  process.send?.(BACKGROUND_READY);
  stopOnSignal(background.close, background.ctx.log);
}

function printBanner(
  config: Config,
  kind: 'embedded' | 'postgres',
  started: { demoData?: string; generatedAdmin?: { email: string; password: string } },
  extra: string[] = [],
): void {
  const base = config.publicUrl;
  const lines = [
    '',
    `  Keyward is running (${kind === 'embedded' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`,
    `  API docs   ${base}/docs`,
    `  Dashboard  ${base}/admin`,
    `  Portal     ${base}/portal`,
    `  Health     ${base}/health`,
    ...extra,
  ];
  if (started.demoData) lines.push(`  Demo data  ${started.demoData}`);
  if (started.generatedAdmin) {
    lines.push(
      '',
      '  First start: an owner was created. This password is shown once; change it after signing in.',
      `  Email      ${started.generatedAdmin.email}`,
      `  Password   ${started.generatedAdmin.password}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
