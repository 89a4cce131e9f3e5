import { setTimeout } from 'node:timers/promises';

/**
 * Runs `work` and answers no sooner than `ms` after it began, however quickly it finished: a request whose
 * answer must not tell by its timing whether anything was found (an email that belongs to someone).
 */
export async function noSoonerThan<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const wait = ms - (performance.now() - started);
  if (wait > 0) await setTimeout(wait);
  return result;
}
