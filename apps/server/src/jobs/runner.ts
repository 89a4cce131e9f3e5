import PgBoss from 'pg-boss';
import type { AppContext } from '../core/context.js';
import type { TxSql } from '../db/database.js';
import { jobQueueDb } from '../db/job-queue.js';
import { announceWork, onWorkQueued } from '../db/work-notices.js';

/** A kind of background work: what it does, and when it runs by itself. */
export interface JobDefinition {
  name: string;
  /** What it does, in a sentence (the Jobs page, `keyward jobs list`). */
  description: string;
  /** When it runs by itself (cron, UTC). pg-boss creates each scheduled run once across processes. */
  cron?: string;
  /** One run. Throwing fails it; a failed run is retried with backoff, then stays failed (visible). */
  run(data: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
  /** Retries after a failure (default 5), the first after `retryDelay` seconds (default 30), doubling. */
  retryLimit?: number;
  retryDelay?: number;
}

/** The account a run was asked for (`{ account_id }` in its data); null: every account (the schedule's). */
export function runAccount(data: Record<string, unknown> | null | undefined): string | null {
  return typeof data?.account_id === 'string' ? data.account_id : null;
}

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** What a process does with the queue: work every queue (true) or the named ones; keep the schedule. */
interface StartOptions {
  work?: boolean | readonly string[];
  schedule?: boolean;
}

const SCHEMA = 'pgboss';
/** Retries: 30 s, then doubling (pg-boss's backoff), five times. */
const RETRY = { retryLimit: 5, retryDelay: 30, retryBackoff: true };

/**
 * The job queue (pg-boss) on the database Keyward already has: on PostgreSQL through a small pool of its
 * own, on the embedded engine through Keyward's one connection. Every process runs the workers; a queue
 * is "stately" (at most one run waiting and one running across all processes), so a sweep never piles
 * up or runs twice at once, and the work of each run is itself safe to repeat.
 */
export class JobRunner {
  private boss: PgBoss | undefined;
  private starting: Promise<void> | undefined;
  /** This process's worker per job, to wake when a run is queued here. */
  private readonly workers = new Map<string, string>();
  /** Stops listening for runs queued by any process. */
  private readonly unlisten: Array<() => Promise<void>> = [];

  constructor(
    private readonly ctx: AppContext,
    readonly jobs: readonly JobDefinition[],
  ) {}

  /**
   * Installs or upgrades the queue's tables, then works the queues (`work`: all of them, or the names the
   * CLI runs itself) and, with `schedule`, makes the schedule. Neither: read and queue only. A server
   * does not wait for it before answering (it took ~0.5 s of the start-up): every call below does.
   */
  start(options: StartOptions = {}): Promise<void> {
    this.starting ??= this.openRetrying(options);
    return this.starting;
  }

  /**
   * Two processes installing the queue on a new database at once (compose.yaml's two services, a server
   * and a worker) can deadlock in pg-boss: the one that lost tries again once the other is through.
   */
  private async openRetrying(options: StartOptions): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.open(options);
      } catch (err) {
        if (attempt === 3 || !/deadlock/i.test((err as Error).message)) throw err;
        this.ctx.log.warn({ err: (err as Error).message }, 'starting the job queue: trying again');
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  /** Resolves once the queue is there (its tables installed): what reads them directly waits for it. */
  async ready(): Promise<void> {
    await this.started();
  }

  private async open({ work = true, schedule = true }: StartOptions): Promise<void> {
    const server = work === true;
    const works = (name: string) => server || (Array.isArray(work) && work.includes(name));
    const { db, log } = this.ctx;
    const connection =
      db.kind === 'postgres'
        ? { connectionString: db.url, max: 3, application_name: 'keyward-jobs' }
        : { db: jobQueueDb(db.sql) };
    // A run still active after the timeout died with its process: maintenance (every third of it, at most
    // every 2 minutes, once across processes) fails it, and it is retried.
    const timeout = this.ctx.config.jobTimeoutSeconds;
    const boss = new PgBoss({
      schema: SCHEMA,
      ...connection,
      ...RETRY,
      deleteAfterDays: 7,
      maintenanceIntervalSeconds: Math.max(1, Math.min(120, Math.floor(timeout / 3))),
      // Maintenance (runs that expired with their process, retention) where every queue is worked.
      supervise: server,
      schedule,
    });
    boss.on('error', (err) => log.warn({ err: err.message }, 'job queue error'));
    try {
      await this.install(boss, { works, schedule, timeout });
    } catch (err) {
      // Half started (its schema installed, a queue not): let go of it, so a retry starts clean.
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
      throw err;
    }
    this.boss = boss;
  }

  /** Starts `boss` (installing its schema), makes each job's queue and schedule, and works those it works. */
  private async install(
    boss: PgBoss,
    { works, schedule, timeout }: { works: (name: string) => boolean; schedule: boolean; timeout: number },
  ): Promise<void> {
    const { log } = this.ctx;
    await boss.start();
    for (const job of this.jobs) {
      const options = {
        name: job.name,
        policy: 'stately' as const,
        retryLimit: job.retryLimit ?? RETRY.retryLimit,
        retryDelay: job.retryDelay ?? RETRY.retryDelay,
        retryBackoff: true,
        expireInSeconds: timeout,
      };
      await boss.createQueue(job.name, options);
      await boss.updateQueue(job.name, options);
      if (schedule && job.cron) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
      else if (schedule) await boss.unschedule(job.name);
      if (!works(job.name)) continue;
      const worker = await boss.work(
        job.name,
        { pollingIntervalSeconds: this.ctx.config.jobPollSeconds },
        async ([run]) => {
          if (!run) return undefined;
          log.info({ job: job.name, run: run.id }, 'job run started');
          const output = await job.run((run.data ?? {}) as Record<string, unknown>);
          log.info({ job: job.name, run: run.id }, 'job run finished');
          return output;
        },
      );
      this.workers.set(job.name, worker);
      this.unlisten.push(await onWorkQueued(this.ctx.db, `job:${job.name}`, () => boss.notifyWorker(worker)));
    }
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => {}); // a start that failed was logged where it was awaited
    const boss = this.boss;
    this.boss = undefined;
    for (const stop of this.unlisten.splice(0)) await stop().catch(() => {});
    // Waits for runs in progress (a killed process's run is retried once it expires).
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  private async started(): Promise<PgBoss> {
    if (!this.starting) throw new Error('the job runner has not started');
    await this.starting;
    if (!this.boss) throw new Error('the job runner has stopped');
    return this.boss;
  }

  /**
   * Queues a run now. With `tx`, the run commits with that transaction (or not at all). Returns its id,
   * or null when a run of this job (for the same account) is already waiting: it will do the same work.
   */
  async enqueue(name: string, data: Record<string, unknown> = {}, tx?: TxSql): Promise<string | null> {
    const boss = await this.started();
    // One run waits per job and account asked for (the schedule's runs: one per job).
    const account = runAccount(data);
    const scope = account ? { singletonKey: account } : {};
    const id = await boss.send(name, data, { ...scope, ...(tx ? { db: jobQueueDb(tx) } : {}) });
    if (!id) return id;
    // Outside a transaction the run is there now: this process's worker is woken at once. The workers of
    // every process hear of it when the transaction commits (other processes exist only on PostgreSQL).
    const worker = this.workers.get(name);
    if (!tx && worker) boss.notifyWorker(worker);
    if (tx || this.ctx.db.kind === 'postgres') await announceWork(tx ?? this.ctx.db.sql, `job:${name}`);
    return id;
  }

  /** A run: its state, its output (the summary, or the error of a failed run) and its times. */
  async run(name: string, id: string) {
    const job = await (await this.started()).getJobById(name, id, { includeArchive: true });
    if (!job) return undefined;
    const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
    return {
      id: job.id,
      account_id: runAccount(job.data as Record<string, unknown> | null),
      state: job.state as JobState,
      retries: job.retryCount,
      queued_at: new Date(job.createdOn).toISOString(),
      started_at: iso(job.startedOn),
      finished_at: iso(job.completedOn),
      output: (job.output ?? null) as Record<string, unknown> | null,
    };
  }

  /** Runs a failed run again (its retries were used up). False when there is no such failed run. */
  async retry(name: string, id: string): Promise<boolean> {
    const run = await this.run(name, id);
    if (run?.state !== 'failed') return false;
    const boss = await this.started();
    await boss.retry(name, id);
    const worker = this.workers.get(name);
    if (worker) boss.notifyWorker(worker);
    if (this.ctx.db.kind === 'postgres') await announceWork(this.ctx.db.sql, `job:${name}`);
    return true;
  }

  /** Waits until a run has completed or failed for good (tests and `keyward jobs run`). */
  async waitFor(name: string, id: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.run(name, id);
      if (run && (run.state === 'completed' || run.state === 'failed' || run.state === 'cancelled'))
        return run;
      if (Date.now() > deadline) throw new Error(`job ${name} ${id} did not finish in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
