import type { Queryable } from './database.js';

/** The one method pg-boss runs its SQL through (its `Db` interface). */
export interface JobQueueDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss's SQL over a postgres.js connection or transaction: the embedded engine's one connection (it
 * accepts no second), and any transaction a job is enqueued in, so the job commits with the change that
 * caused it. postgres.js serialises each value by the type PostgreSQL describes for its parameter; pg
 * (which pg-boss is written for) sends undefined as null, so this does too.
 */
export function jobQueueDb(q: Queryable): JobQueueDb {
  return {
    async executeSql(text, values = []) {
      const params = values.map((v) => (v === undefined ? null : v)) as never[];
      return { rows: await q.unsafe(text, params) };
    },
  };
}
