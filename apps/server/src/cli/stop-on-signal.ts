import type { AppContext } from '../core/context.js';

/**
 * Stops gracefully on the first of `signals` (later ones are ignored while it does), then exits: 0 when
 * the stop went through, 1 when it failed.
 */
export function stopOnSignal(
  stop: () => Promise<void>,
  log: AppContext['log'],
  signals: readonly NodeJS.Signals[] = ['SIGTERM'],
): void {
  let stopping = false;
  for (const signal of signals)
    process.on(signal, () => {
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
