import { Gauge, type Registry } from 'prom-client';
import type { AppContext } from '../core/context.js';
import type { JobRunner } from '../jobs/runner.js';
import { jobFigures, licenseFigures } from './repository.js';

/** A scrape reads the database at most this often (Prometheus scrapes every 15 s by default). */
const FRESH_MS = 30_000;

/**
 * Business gauges: licenses by status and the seats they hold, job runs waiting, running and failed.
 * Read from the database at scrape time (every process answers for the whole deployment), at most every
 * 30 s; the lifecycle job keeps stored statuses within minutes of their dates, so the counts are true.
 */
export function installBusinessMetrics(registry: Registry, ctx: AppContext, jobs: JobRunner): void {
  let read: { at: number; figures: Promise<Figures> } | undefined;
  const figures = () => {
    if (!read || Date.now() - read.at > FRESH_MS) {
      const at = Date.now();
      read = { at, figures: readFigures(ctx, jobs) };
      read.figures.catch(() => {
        if (read?.at === at) read = undefined; // try again at the next scrape
      });
    }
    return read.figures;
  };
  new Gauge({
    name: 'keyward_licenses',
    help: 'Licenses by status (all accounts)',
    labelNames: ['status'] as const,
    registers: [registry],
    // Every worker reads the same rows: a pool's scrape reports them once, not once per worker.
    aggregator: 'max',
    async collect() {
      this.reset();
      for (const l of (await figures()).licenses) this.set({ status: l.status }, l.licenses);
    },
  });
  new Gauge({
    name: 'keyward_active_seats',
    help: 'Seats held by live activations (all accounts)',
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.set((await figures()).licenses.reduce((n, l) => n + l.seats, 0));
    },
  });
  new Gauge({
    name: 'keyward_job_runs',
    help: 'Job runs by job and state: created and retry (waiting), active, failed (retries used up)',
    labelNames: ['job', 'state'] as const,
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      for (const j of (await figures()).jobs) this.set({ job: j.name, state: j.state }, j.runs);
    },
  });
}

type Figures = Awaited<ReturnType<typeof readFigures>>;

async function readFigures(ctx: AppContext, runner: JobRunner) {
  await runner.ready(); // the queue's tables exist once it has started
  const [licenses, jobs] = await Promise.all([licenseFigures(ctx.db.sql), jobFigures(ctx.db.sql)]);
  return { licenses, jobs };
}
