import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Maps `items` a slice at a time, letting the event loop turn between slices: background work that
 * hashes thousands of rows (the lifecycle pass's events, the sealer's chain) must not hold up the
 * requests this process serves meanwhile (500 event hashes took 6–12 ms in one go on the bench VM).
 */
export async function mapInSlices<T, R>(items: readonly T[], size: number, fn: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await nextTurn();
    for (const item of items.slice(i, i + size)) out.push(fn(item));
  }
  return out;
}
