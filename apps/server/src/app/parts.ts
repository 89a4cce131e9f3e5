import { LeaseRenewer } from '../activations/lease-renewer.js';
import { SeatBatcher } from '../activations/seat-batcher.js';
import { SeatSnapshots } from '../activations/seat-snapshots.js';
import { ApiKeyCache } from '../auth/api-key-cache.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import type { AppContext } from '../core/context.js';
import { every } from '../core/periodic.js';
import { PostgresQuotaCounters } from '../entitlements/postgres-quota-counters.js';
import type { QuotaCounters } from '../entitlements/quota-counters.js';
import { RealtimeHub } from '../entitlements/realtime-hub.js';
import { RedisQuotaCounters } from '../entitlements/redis-quota-counters.js';
import { sealEvents } from '../events/seal.js';
import { JobRunner } from '../jobs/runner.js';
import { LicenseCache } from '../licenses/cache.js';
import { UsageRecorder } from '../licensing/usage-recorder.js';
import { MailSender } from '../mail/sender.js';
import { SigningKeys } from '../signing/signing-keys.js';
import { StripeApplier } from '../stripe/applier.js';
import { StripeEventRecorder } from '../stripe/event-recorder.js';
import { WebhookDeliverer } from '../webhooks/deliverer.js';
import { keywardJobs } from './jobs.js';

/**
 * Everything one Keyward process holds beyond its primitives (`AppContext`): the caches, batchers,
 * counters and hubs that domains keep per process. Built here, once, and handed to each module
 * explicitly (see modules.ts); nothing in `src/` keeps state at module level.
 */
export interface ProcessParts {
  ctx: AppContext;
  /** Licenses by key digest (activation, entitlement checks). */
  licenses: LicenseCache;
  /** Gathers concurrent activations into one statement and commit per batch. */
  seats: SeatBatcher;
  /** Gathers concurrent lease renewals (floating heartbeats) into one statement and commit. */
  leases: LeaseRenewer;
  /** Key material, verified tokens, signing. */
  signing: SigningKeys;
  /** API-key rows by secret (every admin/entitlement call with an API key). */
  apiKeys: ApiKeyCache;
  /** License + seat by activation id (the validation hot path). */
  snapshots: SeatSnapshots;
  /** Batched last-seen times and usage-log rows of the client API. */
  usage: UsageRecorder;
  /** Usage-quota counters (PostgreSQL, or Redis in front of it). */
  quotas: QuotaCounters;
  /** Licensed apps' WebSockets held by this process. */
  realtime: RealtimeHub;
  loginLimiter: LoginLimiter;
  /** The job queue: scheduled sweeps and the lifecycle, runs queued by changes. */
  jobs: JobRunner;
  /** Sends the webhook deliveries that fall due (every process that works jobs). */
  webhooks: WebhookDeliverer;
  /** Sends queued emails over SMTP, or holds them in the outbox (every process that works jobs). */
  mail: MailSender;
  /** Applies recorded Stripe events (every process that works jobs; none without Stripe keys). */
  stripe: StripeApplier;
  /**
   * Records Stripe's webhook events, the ones that arrive together in one commit (every process), and
   * hands the new ones to this process's applier where it runs.
   */
  stripeEvents: StripeEventRecorder;
}

/** A built process: its parts, and how to start and stop what runs in the background. */
export interface Process {
  parts: ProcessParts;
  /** Starts the background work: usage flushing, event sealing, the job queue and its schedule. */
  start(): Promise<void>;
  /** Stops in reverse order of dependence, flushing what is batched; after the HTTP server closed. */
  stop(): Promise<void>;
}

export function buildProcess(ctx: AppContext): Process {
  const signing = new SigningKeys(ctx);
  const snapshots = new SeatSnapshots(ctx);
  const stripe = new StripeApplier(ctx);
  const parts: ProcessParts = {
    ctx,
    licenses: new LicenseCache(ctx),
    seats: new SeatBatcher(ctx.db),
    leases: new LeaseRenewer(ctx.db),
    signing,
    apiKeys: new ApiKeyCache(ctx),
    snapshots,
    usage: new UsageRecorder(ctx),
    // Redis in front of PostgreSQL when the deployment has Redis (counts shared by every process).
    quotas: ctx.redis
      ? new RedisQuotaCounters(ctx.redis, { sql: ctx.db.sql, clock: ctx.clock, log: ctx.log })
      : new PostgresQuotaCounters(ctx.db.sql),
    realtime: new RealtimeHub(ctx, signing, snapshots),
    loginLimiter: new LoginLimiter(ctx.config.loginAttemptsPerMinute, ctx.redis),
    jobs: new JobRunner(ctx, keywardJobs(ctx)),
    webhooks: new WebhookDeliverer(ctx),
    mail: new MailSender(ctx),
    stripe,
    stripeEvents: new StripeEventRecorder(ctx.db, stripe),
  };
  const warn = (what: string) => (err: unknown) => ctx.log.warn({ err: (err as Error).message }, what);
  const stoppers: Array<() => Promise<void>> = [];
  return {
    parts,
    async start() {
      parts.usage.start();
      const { jobs } = ctx.config;
      // Sealing runs every second where the background work runs (finer than a schedule, and harmless
      // to repeat): under `serve --workers N` not in the serving workers, whose event loops it would take
      // while a pass writes thousands of events.
      if (jobs !== 'off') stoppers.push(every(1000, () => sealEvents(ctx.db), warn('event sealing failed')));
      // In the background: serving does not wait for the queue (calls into it do).
      parts.jobs
        .start({ work: jobs !== 'off', schedule: jobs === 'all' })
        .catch((err) => ctx.log.error({ err: (err as Error).message }, 'the job queue did not start'));
      stoppers.push(() => parts.jobs.stop());
      // Webhooks and email are background work like jobs: an API-only process (KEYWARD_JOBS=off) sends none.
      if (jobs !== 'off') {
        for (const sender of [parts.webhooks, parts.mail, parts.stripe]) {
          sender.start();
          stoppers.push(() => sender.stop());
        }
      }
    },
    async stop() {
      parts.realtime.close();
      for (const stopTimer of stoppers.splice(0)) await stopTimer();
      await parts.usage.stop();
      await parts.quotas.close().catch(warn('flushing usage counters failed'));
      await sealEvents(ctx.db).catch(warn('event sealing failed'));
      for (const cache of [parts.snapshots, parts.licenses, parts.apiKeys, parts.signing]) cache.close();
    },
  };
}
