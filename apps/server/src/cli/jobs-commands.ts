import { keywardJobs } from '../app/jobs.js';
import type { Config } from '../config/config.js';
import type { AppContext } from '../core/context.js';
import { jobsOverview } from '../jobs/overview.js';
import { JobRunner } from '../jobs/runner.js';
import { withContext } from './context.js';
import { printTable } from './table.js';

async function withRunner<T>(
  config: Config,
  work: false | readonly string[],
  fn: (runner: JobRunner, ctx: AppContext) => Promise<T>,
): Promise<T> {
  return withContext(config, async (ctx) => {
    const runner = new JobRunner(ctx, keywardJobs(ctx));
    await runner.start({ work, schedule: false });
    try {
      return await fn(runner, ctx);
    } finally {
      await runner.stop();
    }
  });
}

function knownJob(runner: JobRunner, name: string) {
  if (!runner.jobs.some((j) => j.name === name))
    throw new Error(`no job "${name}"; the jobs are ${runner.jobs.map((j) => j.name).join(', ')}`);
}

const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');

/** `keyward jobs list`: every job, its schedule, last and next run, and the recent failures. */
export async function jobsListCommand(config: Config): Promise<void> {
  await withRunner(config, false, async (runner, ctx) => {
    const { jobs, failures } = await jobsOverview(ctx, runner);
    const rows = jobs.map((j) => [
      j.name,
      j.schedule ?? '—',
      j.last_run ? `${j.last_run.state} ${when(j.last_run.finished_at)}` : 'never',
      when(j.next_run_at),
      `${j.waiting}/${j.running}/${j.failed}`,
    ]);
    const head = ['job', 'schedule (UTC)', 'last run', 'next run', 'waiting/running/failed'];
    printTable(head, rows);
    if (failures.length > 0) {
      console.log('\nfailed runs (newest first; `keyward jobs retry <job> <id>` runs one again):');
      for (const f of failures)
        console.log(
          `  ${f.name} ${f.id} ${when(f.finished_at)}: ${String(f.output?.message ?? 'no error recorded')}`,
        );
    }
  });
}

/** `keyward jobs run <job>`: queues a run and, unless `--no-wait`, works it here and prints its summary. */
export async function jobsRunCommand(config: Config, name: string, opts: { wait: boolean }): Promise<void> {
  await withRunner(config, opts.wait ? [name] : false, async (runner) => {
    knownJob(runner, name);
    const id = await runner.enqueue(name);
    if (!id) {
      console.log(`a run of ${name} is already waiting; it does the same work`);
      return;
    }
    if (!opts.wait) {
      console.log(`queued run ${id} of ${name}`);
      return;
    }
    const run = await runner.waitFor(name, id, 10 * 60_000);
    console.log(`${name} ${run.state}: ${JSON.stringify(run.output ?? {})}`);
    if (run.state !== 'completed') process.exitCode = 1;
  });
}

/** `keyward jobs retry <job> <id>`: runs a failed run again. */
export async function jobsRetryCommand(config: Config, name: string, id: string): Promise<void> {
  await withRunner(config, false, async (runner) => {
    knownJob(runner, name);
    if (!(await runner.retry(name, id)))
      throw new Error(`run ${id} of ${name} is not a failed run (see keyward jobs list)`);
    console.log(`run ${id} of ${name} is queued again; a server runs it`);
  });
}
