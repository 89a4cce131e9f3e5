import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import type { Config } from '../config/config.js';
import { loggerOptions } from '../http/logging.js';
import { answerPoolMetrics } from '../ops/cluster-metrics.js';

/** Workers dying before they listen this many times in a row: something is wrong, restarting won't help. */
const MAX_START_FAILURES = 5;
/** A worker that dies younger than this is restarted after a backoff (doubling per such death in a row). */
const YOUNG_MS = 10_000;
const BACKOFF_FIRST_MS = 250;
const BACKOFF_CAP_MS = 8_000;
/** How long a worker has to finish its requests and flush on shutdown before it is killed. */
const STOP_TIMEOUT_MS = 30_000;

/** What a worker does: serve requests (sharing the port), or the background work (serving nothing). */
export type WorkerRole = 'http' | 'background';
/** How the primary tells a worker its role (the worker runs `keyward serve` too). */
export const ROLE_ENV = 'KEYWARD_WORKER_ROLE';
/** The message a background worker sends once its work has started: its "listening". */
export const BACKGROUND_READY = 'keyward:background-ready';

interface Slot {
  role: WorkerRole;
  worker: Worker;
  startedAt: number;
  /** Listening (a serving worker), or its work started (the background worker). */
  listening: boolean;
  /** Being stopped on purpose (rolling restart, shutdown): its exit is no crash. */
  retiring: boolean;
  /** True once it is `listening`, false if it exits first. */
  ready: Promise<boolean>;
  exited: Promise<void>;
  /** Set by the first stop, so a worker gets SIGTERM once. */
  stopped?: Promise<boolean>;
}

/**
 * The primary of `keyward serve --workers N`: forks N workers (each runs `keyward serve` and shares the
 * listening port through node:cluster) and, unless KEYWARD_JOBS=off, one background worker that does the
 * jobs, deliveries and email while the N serve with KEYWARD_JOBS=off (so a long pass never shares an
 * event loop with requests); serves nothing itself, restarts a worker that dies, stops them all
 * gracefully on SIGTERM/SIGINT, and replaces them one at a time on SIGHUP/SIGUSR2.
 */
export class WorkerPool {
  private readonly slots = new Map<number, Slot>();
  /** Replacements waiting out their backoff, by the role they will have. */
  private readonly restartTimers = new Map<NodeJS.Timeout, WorkerRole>();
  private readonly log: pino.Logger;
  private stopping = false;
  private rolling = false;
  /** Workers of each role that died before they were ready, in a row. */
  private readonly startFailures: Record<WorkerRole, number> = { http: 0, background: 0 };
  private youngDeaths = 0;
  private allListening: (() => void) | undefined;

  private readonly wanted: Record<WorkerRole, number>;

  constructor(
    config: Config,
    private readonly size: number,
  ) {
    this.log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions).child({ role: 'primary' });
    this.wanted = { http: size, background: config.jobs === 'off' ? 0 : 1 };
  }

  /** Forks the workers; resolves with their pids once every one listens. */
  async start(): Promise<number[]> {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => this.shutdown(signal));
    for (const signal of ['SIGHUP', 'SIGUSR2'] as const)
      process.on(signal, () => void this.rollingRestart(signal));
    const listening = new Promise<void>((resolve) => {
      this.allListening = resolve;
    });
    answerPoolMetrics();
    for (let i = 0; i < this.size; i++) this.fork('http');
    if (this.wanted.background) this.fork('background');
    await listening;
    return this.pids();
  }

  /** The pids of the workers of one role (the serving ones unless asked). */
  pids(role: WorkerRole = 'http'): number[] {
    return this.active()
      .filter((s) => s.role === role)
      .map((s) => s.worker.process.pid!);
  }

  private active(): Slot[] {
    return [...this.slots.values()].filter((s) => !s.retiring);
  }

  private fork(role: WorkerRole): Slot {
    // With a background worker, the serving ones leave the jobs to it.
    const jobs = role === 'http' && this.wanted.background ? { KEYWARD_JOBS: 'off' } : {};
    const worker = cluster.fork({ [ROLE_ENV]: role, ...jobs });
    let settle!: (listening: boolean) => void;
    const slot: Slot = {
      role,
      worker,
      startedAt: Date.now(),
      listening: false,
      retiring: false,
      ready: new Promise((resolve) => {
        settle = resolve;
      }),
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    };
    this.slots.set(worker.id, slot);
    const ready = () => {
      if (slot.listening) return;
      slot.listening = true;
      this.startFailures[role] = 0;
      settle(true);
      this.log.info({ worker_pid: worker.process.pid, worker_role: role }, 'worker ready');
      if (this.active().filter((s) => s.listening).length >= this.wanted.http + this.wanted.background) {
        this.allListening?.();
        this.allListening = undefined;
      }
    };
    if (role === 'http') worker.once('listening', ready);
    else worker.on('message', (m: unknown) => m === BACKGROUND_READY && ready());
    worker.once('exit', (code, signal) => {
      settle(false);
      this.onExit(slot, code, signal);
    });
    return slot;
  }

  private onExit(slot: Slot, code: number | null, signal: string | null): void {
    this.slots.delete(slot.worker.id);
    if (this.stopping || slot.retiring) return;
    const lived = Date.now() - slot.startedAt;
    this.log.warn(
      { worker_pid: slot.worker.process.pid, code, signal, lived_ms: lived },
      'worker exited unexpectedly',
    );
    if (!slot.listening && ++this.startFailures[slot.role] >= MAX_START_FAILURES) {
      void this.giveUp(signal ? `killed by ${signal}` : `exit code ${code}`);
      return;
    }
    this.youngDeaths = lived < YOUNG_MS ? this.youngDeaths + 1 : 0;
    // A rolling restart's replacement that died leaves the old workers serving: nothing to replace.
    const alive = this.active().filter((s) => s.role === slot.role).length;
    const coming = [...this.restartTimers.values()].filter((role) => role === slot.role).length;
    if (alive + coming >= this.wanted[slot.role]) return;
    const delay =
      this.youngDeaths === 0 ? 0 : Math.min(BACKOFF_FIRST_MS * 2 ** (this.youngDeaths - 1), BACKOFF_CAP_MS);
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.stopping) this.fork(slot.role);
    }, delay);
    this.restartTimers.set(timer, slot.role);
  }

  /** Asks a worker to shut down gracefully (SIGTERM: the server's own shutdown path), killing it after the timeout. */
  private stop(slot: Slot): Promise<boolean> {
    slot.retiring = true;
    slot.stopped ??= (async () => {
      slot.worker.process.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        slot.exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!inTime) {
        this.log.error({ worker_pid: slot.worker.process.pid }, 'worker did not stop in time; killing it');
        slot.worker.process.kill('SIGKILL');
        await slot.exited;
      }
      return inTime;
    })();
    return slot.stopped;
  }

  private async stopAll(): Promise<boolean> {
    this.stopping = true;
    for (const timer of this.restartTimers.keys()) clearTimeout(timer);
    this.restartTimers.clear();
    const results = await Promise.all([...this.slots.values()].map((s) => this.stop(s)));
    return results.every(Boolean);
  }

  private shutdown(signal: string): void {
    if (this.stopping) return;
    this.log.info({ signal }, 'shutting down the workers');
    void this.stopAll().then((clean) => process.exit(clean ? 0 : 1));
  }

  private async giveUp(last: string): Promise<void> {
    process.stderr.write(
      `keyward: workers keep dying at start (${MAX_START_FAILURES} in a row, the last with ${last}); giving up. ` +
        'Their output above says why.\n',
    );
    await this.stopAll();
    process.exit(1);
  }

  /** New worker first, listening, then the old one stopped: the port always has a worker behind it. */
  private async rollingRestart(signal: string): Promise<void> {
    if (this.stopping || this.rolling) return;
    this.rolling = true;
    this.log.info({ signal }, 'rolling restart: replacing the workers one at a time');
    try {
      for (const old of this.active()) {
        if (this.stopping) return;
        if (!this.slots.has(old.worker.id)) continue; // died meanwhile; the crash path replaced it
        const fresh = this.fork(old.role);
        if (!(await fresh.ready)) {
          this.log.error(
            'rolling restart stopped: a new worker exited before listening; the others keep serving',
          );
          return;
        }
        if (this.stopping) return;
        await this.stop(old);
      }
      this.log.info({ worker_pids: this.active().map((s) => s.worker.process.pid) }, 'rolling restart done');
    } finally {
      this.rolling = false;
    }
  }
}
