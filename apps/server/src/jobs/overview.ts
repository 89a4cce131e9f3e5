import cronParser from 'cron-parser';
import type { AppContext } from '../core/context.js';
import { countRunsByState, failedRuns, lastFinishedRuns, type RunRow, type RunsOf } from './repository.js';
import { type JobRunner, runAccount } from './runner.js';

/** How many failed runs the overview lists. */
const FAILURES_SHOWN = 20;

const runView = (r: RunRow, only: RunsOf) => ({
  id: r.id,
  account_id: runAccount(r.data),
  state: r.state,
  retries: r.retry_count,
  queued_at: r.created_on.toISOString(),
  started_at: r.started_on?.toISOString() ?? null,
  finished_at: r.completed_on?.toISOString() ?? null,
  // A failed run's output is its error, as pg-boss recorded it (message and stack). A schedule's run
  // covers every account: one account's staff see that it ran, not what it found.
  output: only !== null && runAccount(r.data) === null ? null : r.output,
});

/** When a cron schedule next fires after `now` (UTC). */
export function nextRunAt(cron: string, now: Date): Date {
  return cronParser.parseExpression(cron, { currentDate: now, tz: 'UTC' }).next().toDate();
}

/**
 * Every job with its schedule, last finished run, next scheduled run and the runs waiting, running and
 * failed; then the newest failures with their errors. For `GET /api/v1/jobs` and `keyward jobs list`.
 */
export async function jobsOverview(ctx: AppContext, runner: JobRunner, only: RunsOf = null) {
  await runner.ready(); // on a first start the queue's tables may still be being installed
  const names = runner.jobs.map((j) => j.name);
  // pg-boss's tables are the deployment's queue, not an account's rows: read on the owner connection.
  const q = ctx.db.system;
  const [counts, last, failures] = await Promise.all([
    countRunsByState(q, names, only),
    lastFinishedRuns(q, names, only),
    failedRuns(q, names, only, FAILURES_SHOWN),
  ]);
  const now = new Date(); // the schedule runs on the real clock (pg-boss's), not the injected one
  const count = (name: string, ...states: RunRow['state'][]) =>
    counts.filter((c) => c.name === name && states.includes(c.state)).reduce((n, c) => n + c.n, 0);
  return {
    jobs: runner.jobs.map((job) => {
      const lastRun = last.find((r) => r.name === job.name);
      return {
        name: job.name,
        description: job.description,
        schedule: job.cron ?? null,
        next_run_at: job.cron ? nextRunAt(job.cron, now).toISOString() : null,
        last_run: lastRun ? runView(lastRun, only) : null,
        waiting: count(job.name, 'created', 'retry'),
        running: count(job.name, 'active'),
        failed: count(job.name, 'failed'),
      };
    }),
    failures: failures.map((r) => ({ name: r.name, ...runView(r, only) })),
  };
}
