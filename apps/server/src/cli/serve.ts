import cluster from 'node:cluster';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../app/cluster.js';
import { prepareDeployment } from '../app/first-start.js';
import { startServer } from '../app/server.js';
import { type Config, ConfigError } from '../config/config.js';

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
  const pids = await new WorkerPool(config, workers).start();
  printBanner(config, 'postgres', prepared, [
    `  Workers    ${workers} (pids ${pids.join(', ')}); SIGHUP replaces them one at a time`,
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

/** A forked worker: serves, prints nothing (the primary did), and stops when the primary says so. */
async function serveAsWorker(config: Config): Promise<void> {
  // Ctrl-C and a terminal's hang-up reach the whole process group; the primary handles them and
  // stops the workers itself (SIGTERM), all at once or one at a time.
  for (const signal of ['SIGINT', 'SIGHUP', 'SIGUSR2'] as const) process.on(signal, () => {});
  const server = await startServer(config);
  const stop = async () => {
    // Stop taking connections first (the primary hands new ones to the other workers) without
    // http's closing of idle ones, and give those already handed here a moment to send their
    // request: a request that arrives after Fastify's close began is answered 503.
    net.Server.prototype.close.call(server.app.server);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
    await server.close();
  };
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        server.ctx.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
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
