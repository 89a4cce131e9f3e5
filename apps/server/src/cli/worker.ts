import { startBackground } from '../app/background.js';
import { stopOnSignal } from '../app/stop-on-signal.js';
import { type Config, ConfigError } from '../config/config.js';

/**
 * `keyward worker`: Keyward's background work in a process of its own (the job queue and its schedule,
 * webhook deliveries, email, Stripe events), beside servers started with KEYWARD_JOBS=off; serves
 * nothing. Stops gracefully on SIGTERM or SIGINT.
 */
export async function workerCommand(config: Config): Promise<void> {
  if (!config.databaseUrl)
    throw new ConfigError(
      '`keyward worker` needs PostgreSQL (DATABASE_URL): the embedded database allows one process per data directory, and `keyward serve` does the background work itself there',
    );
  const worker = await startBackground(config);
  stopOnSignal(worker.close, worker.ctx.log, ['SIGTERM', 'SIGINT']);
  process.stdout.write(
    `\n  Keyward worker is running (PostgreSQL): jobs (KEYWARD_JOBS=${config.jobs}), webhooks, email, Stripe events\n\n`,
  );
}
