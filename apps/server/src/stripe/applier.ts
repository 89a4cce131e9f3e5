import type Stripe from 'stripe';
import { ClaimLoop } from '../core/claim-loop.js';
import type { AppContext } from '../core/context.js';
import { applyStripeEvent } from './apply.js';
import { stripeClient } from './client.js';
import { type ClaimedStripeEvent, claimDueStripeEvents, settleStripeEvent } from './repository.js';

/** Seconds before an event that could not be applied yet is tried again; then it needs attention. */
const RETRY_SECONDS = [2, 5, 15, 60, 300, 900, 3600, 3600, 3600, 3600];
const LEASE_MS = 60_000;

/**
 * Applies recorded Stripe events in every process that works jobs: claimed with leases (several
 * processes share them, a dead one's come back), up to 32 at once: most of an event's time is the wait
 * for Stripe's answer (the subscription's current state), not work here.
 */
export class StripeApplier {
  private readonly loop: ClaimLoop<ClaimedStripeEvent> | null;

  constructor(private readonly ctx: AppContext) {
    const client = stripeClient(ctx.config);
    this.loop = client
      ? new ClaimLoop({
          claim: (limit) => {
            const now = new Date();
            return claimDueStripeEvents(ctx.db.sql, now, new Date(now.getTime() + LEASE_MS), limit);
          },
          handle: (event) => this.apply(client.stripe, event),
          batch: 64,
          maxInFlight: 32,
          idleMs: 500,
          onError: (err) => ctx.log.warn({ err: (err as Error).message }, 'applying a Stripe event failed'),
        })
      : null;
  }

  start(): void {
    this.loop?.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop(10_000);
  }

  /** Looks for events now (one was just recorded by this process). */
  nudge(): void {
    this.loop?.nudge();
  }

  private async apply(stripe: Stripe, event: ClaimedStripeEvent): Promise<void> {
    const sql = this.ctx.db.sql;
    let outcome: Awaited<ReturnType<typeof applyStripeEvent>>;
    try {
      outcome = await applyStripeEvent(this.ctx, stripe, event);
    } catch (err) {
      outcome = { status: 'retry', note: (err as Error).message.slice(0, 500) };
    }
    if (outcome.status !== 'retry')
      return settleStripeEvent(sql, event.id, outcome.status, outcome.note ?? null, null);
    const wait = RETRY_SECONDS[event.attempts - 1];
    if (wait === undefined) return settleStripeEvent(sql, event.id, 'needs_attention', outcome.note, null);
    return settleStripeEvent(sql, event.id, 'received', outcome.note, new Date(Date.now() + wait * 1000));
  }
}
