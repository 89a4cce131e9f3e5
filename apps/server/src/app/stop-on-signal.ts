import type { AppContext } from '../core/context.js';

/**
 * Stops gracefully on the first of `signals`, then exits: 0 when the stop went through, 1 when it failed.
 * Another of them meanwhile is ignored; the same one again gets Node's default (an impatient second
 * Ctrl-C ends the process at once).
 */
export function stopOnSignal(
  stop: () => Promise<void>,
  log: AppContext['log'],
  signals: readonly NodeJS.Signals[] = ['SIGTERM'],
): void {
  let stopping = false;
  for (const signal of signals)
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      stop()
        .then(() => process.exit(0))
        .catch((err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    });
}
