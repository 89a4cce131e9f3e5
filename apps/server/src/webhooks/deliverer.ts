import { Batcher } from '../core/batcher.js';
import { ClaimLoop } from '../core/claim-loop.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { decryptAtRest } from '../crypto/master-key.js';
import { onWorkQueued } from '../db/work-notices.js';
import { recordEvents } from '../events/record.js';
import { queueOwnerNotice } from '../mail/repository.js';
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  claimDueDeliveries,
  disableDeadEndpoints,
  recordOutcomes,
  updateFailureStreaks,
} from './repository.js';
import { sendWebhook } from './sender.js';
import { signWebhook } from './signature.js';
import { type AllowList, parseAllowList, resolveWebhookTarget, type WebhookTarget } from './url-guard.js';

/** Seconds after each failed attempt before the next: exponential, about 3 days in all, then given up. */
export const RETRY_SCHEDULE_SECONDS = [
  5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 43_200, 43_200, 43_200, 43_200, 43_200,
];
const CLAIM = 100;
const MAX_IN_FLIGHT = 256;
/**
 * How often an idle process looks for due deliveries by itself: new ones are announced (migration 0038),
 * so this is how late a retry may start, or a delivery whose process died be taken over.
 */
const IDLE_MS = 1000;
const DISABLE_AFTER_MS = 5 * 86_400_000;
/** Destinations are resolved and checked again after this long. */
const TARGET_TTL_MS = 30_000;

type Outcome = AttemptOutcome & { gone: boolean };

/** The body a receiver gets: Standard Webhooks' envelope around one event of the log. */
export function webhookPayload(d: ClaimedDelivery): string {
  return JSON.stringify({
    type: d.type,
    timestamp: d.created_at.toISOString(),
    data: {
      event_id: d.event_id,
      account_id: d.account_id,
      subject: d.subject_type ? { type: d.subject_type, id: d.subject_id } : null,
      actor: { type: d.actor_type, id: d.actor_id },
      details: d.data,
    },
  });
}

/**
 * Sends the webhook deliveries that fall due, in every process: claims them in batches (each leased,
 * so a process killed mid-delivery leaves it to another), POSTs each signed with its endpoint's
 * secret(s), records how it went in batches, retries on the schedule, and disables an endpoint that
 * answers 410 Gone or has failed for 5 days. Timing is the wall clock's, not the injected one: retries
 * and leases are about real networks and processes (and a test's simulated day must not re-send).
 */
export class WebhookDeliverer {
  private readonly allow: AllowList;
  private readonly targets = new Map<string, { target: WebhookTarget; until: number }>();
  private readonly secrets = new Map<string, string>();
  private readonly outcomes: Batcher<Outcome, void>;
  private readonly timeoutMs: number;
  /** A claim's lease: past it, a delivery whose process died is claimed again (same webhook-id). */
  private readonly leaseMs: number;
  private readonly loop: ClaimLoop<ClaimedDelivery>;

  constructor(private readonly ctx: AppContext) {
    this.timeoutMs = ctx.config.webhookTimeoutSeconds * 1000;
    this.leaseMs = 3 * this.timeoutMs;
    this.allow = parseAllowList(ctx.config.webhookAllowedHosts);
    this.outcomes = new Batcher((batch) => this.record(batch), 500, 2);
    this.loop = new ClaimLoop({
      claim: (limit) => {
        const now = new Date();
        return claimDueDeliveries(ctx.db.sql, now, new Date(now.getTime() + this.leaseMs), limit);
      },
      handle: (d) => this.deliver(d),
      batch: CLAIM,
      maxInFlight: MAX_IN_FLIGHT,
      idleMs: IDLE_MS,
      wakeOn: (wake) => onWorkQueued(ctx.db, 'webhooks', wake),
      onError: (err) => ctx.log.warn({ err: (err as Error).message }, 'webhook delivery failed'),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming and waits (up to the send timeout) for what is in flight to be recorded. */
  stop(): Promise<void> {
    return this.loop.stop(this.timeoutMs);
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const now = new Date();
    let result: { status: number | null; ms: number; body: string | null; error: string | null };
    try {
      const target = await this.target(d.url);
      const body = webhookPayload(d);
      const timestamp = Math.floor(now.getTime() / 1000);
      const secrets = [this.secret(d.secret_enc)];
      if (d.previous_secret_enc && d.previous_secret_expires_at && d.previous_secret_expires_at > now)
        secrets.push(this.secret(d.previous_secret_enc));
      result = await sendWebhook(
        target,
        {
          'content-type': 'application/json',
          'user-agent': 'Keyward-Webhooks/1.0',
          'webhook-id': d.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secrets, d.id, timestamp, body),
        },
        body,
        this.timeoutMs,
      );
    } catch (err) {
      // The URL no longer passes the guard (its name now resolves to a private address), or a bug.
      result = {
        status: null,
        ms: 0,
        body: null,
        error: err instanceof AppError ? err.message : String(err),
      };
    }
    const delivered = result.status !== null && result.status >= 200 && result.status < 300;
    const wait = RETRY_SCHEDULE_SECONDS[d.attempts - 1];
    await this.outcomes.submit({
      id: d.id,
      endpoint_id: d.endpoint_id,
      delivered,
      gone: result.status === 410,
      retry_at: delivered || wait === undefined ? null : new Date(now.getTime() + jitter(wait * 1000)),
      response_status: result.status,
      response_ms: result.ms,
      response_body: result.body,
      error: result.error ?? (delivered ? null : `HTTP ${result.status}`),
    });
  }

  private async target(url: string): Promise<WebhookTarget> {
    const cached = this.targets.get(url);
    if (cached && cached.until > Date.now()) return cached.target;
    const target = await resolveWebhookTarget(url, this.allow);
    if (this.targets.size > 1000) this.targets.clear();
    this.targets.set(url, { target, until: Date.now() + TARGET_TTL_MS });
    return target;
  }

  private secret(sealed: string): string {
    let plain = this.secrets.get(sealed);
    if (!plain) {
      plain = decryptAtRest(this.ctx.keyring, sealed);
      if (this.secrets.size > 1000) this.secrets.clear();
      this.secrets.set(sealed, plain);
    }
    return plain;
  }

  private async record(batch: Outcome[]): Promise<void[]> {
    const now = new Date();
    const ok = [...new Set(batch.filter((o) => o.delivered).map((o) => o.endpoint_id))];
    const failing = [
      ...new Set(batch.filter((o) => !o.delivered && !ok.includes(o.endpoint_id)).map((o) => o.endpoint_id)),
    ];
    const gone = [...new Set(batch.filter((o) => o.gone).map((o) => o.endpoint_id))];
    await this.ctx.db.tx(async (tx) => {
      await recordOutcomes(
        tx,
        batch.map(({ gone: _, ...o }) => o),
        now,
      );
      await updateFailureStreaks(tx, now, ok, failing);
      const disabled = await disableDeadEndpoints(
        tx,
        now,
        gone,
        failing,
        new Date(now.getTime() - DISABLE_AFTER_MS),
      );
      await recordEvents(
        tx,
        disabled.map((e) => ({
          accountId: e.account_id,
          type: 'webhook_endpoint.disabled',
          actor: { type: 'system' as const },
          subject: { type: 'webhook_endpoint', id: e.id },
          data: { url: e.url, reason: e.disabled_reason },
        })),
      );
      for (const e of disabled) {
        await queueOwnerNotice(tx, {
          accountId: e.account_id,
          template: 'webhook_endpoint.disabled',
          subject: { type: 'webhook_endpoint', id: e.id },
          data: { url: e.url, reason: e.disabled_reason, endpoint_id: e.id },
        });
      }
    });
    return batch.map(() => undefined);
  }
}

/** ±10 %: retries of many deliveries that failed together do not arrive together. */
function jitter(ms: number): number {
  return Math.round(ms * (0.9 + Math.random() * 0.2));
}
