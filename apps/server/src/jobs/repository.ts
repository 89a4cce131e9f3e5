import type { Queryable } from '../db/database.js';

// pg-boss's own tables (schema `pgboss`): `job` holds runs until they are archived, `archive` after.
// Read here for the overview only; every change to a run goes through pg-boss.

export interface RunRow {
  id: string;
  name: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retry_count: number;
  created_on: Date;
  started_on: Date | null;
  completed_on: Date | null;
  output: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
}

/**
 * Whose runs a read covers: every account's (null), or one account's and the schedule's (runs without an
 * account), for a staff member of one account of a multi-account server.
 */
export type RunsOf = string | null;

const ofAccount = (q: Queryable, only: RunsOf) =>
  only === null ? q`` : q`and (data->>'account_id' is null or data->>'account_id' = ${only})`;

/** How many runs of each job wait, retry, run or failed for good (not yet archived). */
export function countRunsByState(q: Queryable, names: readonly string[], only: RunsOf) {
  return q<{ name: string; state: RunRow['state']; n: number }[]>`
    select name, state::text as state, count(*)::int as n from pgboss.job
    where name = any(${names as string[]}) ${ofAccount(q, only)} group by name, state`;
}

/** Each job's latest finished run, wherever it now lives. */
export function lastFinishedRuns(q: Queryable, names: readonly string[], only: RunsOf) {
  return q<RunRow[]>`
    select distinct on (name) id, name, state::text as state, retry_count, created_on, started_on,
      completed_on, output, data
    from (select id, name, state, retry_count, created_on, started_on, completed_on, output, data from pgboss.job
            where name = any(${names as string[]}) and state in ('completed', 'failed') ${ofAccount(q, only)}
          union all
          select id, name, state, retry_count, created_on, started_on, completed_on, output, data from pgboss.archive
            where name = any(${names as string[]}) and state in ('completed', 'failed') ${ofAccount(q, only)}) runs
    order by name, completed_on desc`;
}

/** The newest runs that failed for good (retries used up), with their errors. */
export function failedRuns(q: Queryable, names: readonly string[], only: RunsOf, limit: number) {
  return q<RunRow[]>`
    select id, name, state::text as state, retry_count, created_on, started_on, completed_on, output, data
    from (select id, name, state, retry_count, created_on, started_on, completed_on, output, data from pgboss.job
            where name = any(${names as string[]}) and state = 'failed' ${ofAccount(q, only)}
          union all
          select id, name, state, retry_count, created_on, started_on, completed_on, output, data from pgboss.archive
            where name = any(${names as string[]}) and state = 'failed' ${ofAccount(q, only)}) runs
    order by completed_on desc limit ${limit}`;
}
