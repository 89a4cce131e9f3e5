import type { Database, Queryable } from './database.js';

/**
 * The channel on which the database says that work was queued, its payload naming the kind: `webhooks`
 * and `emails` from triggers on their tables (migration 0038), `job:<name>` from `announceWork`.
 */
const WORK_CHANNEL = 'keyward_work';

/**
 * Calls `wake` whenever work of `kind` is queued, by this process or another, once the queuing
 * transaction has committed. Returns how to stop listening.
 */
export function onWorkQueued(db: Database, kind: string, wake: () => void): Promise<() => Promise<void>> {
  return db.listen(WORK_CHANNEL, (payload) => {
    if (payload === kind) wake();
  });
}

/** Says that work of `kind` was queued: heard when `q`'s transaction commits (at once outside one). */
export async function announceWork(q: Queryable, kind: string): Promise<void> {
  await q`select pg_notify(${WORK_CHANNEL}, ${kind})`;
}
