/**
 * Runs `task` every `intervalMs` in the background, never two runs at once (a slow run makes the next
 * tick skip). The timer does not hold the process open. Returns a stop function that waits for a run
 * in progress.
 */
export function every(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
