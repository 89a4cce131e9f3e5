import type Stripe from 'stripe';
import { Batcher, batchesInFlight } from '../core/batcher.js';
import { ClaimLoop } from '../core/claim-loop.js';
import type { AppContext } from '../core/context.js';
import { type Applying, applyStripeEvent } from './apply.js';
import { stripeClient } from './client.js';
import {
  type ClaimedStripeEvent,
  claimDueStripeEvents,
  type Settlement,
  type StripeSubscriptionRow,
  settleStripeEvents,
  subscriptionsByStripeIds,
} from './repository.js';
import { moveTogether } from './subscription-moves.js';

/** Seconds before an event that could not be applied yet is tried again; then it needs attention. */
const RETRY_SECONDS = [2, 5, 15, 60, 300, 900, 3600, 3600, 3600, 3600];
const LEASE_MS = 60_000;

/**
 * Applies recorded Stripe events in every process that works jobs, up to 96 at once: most of an event's
 * time is the wait for Stripe's answer (the subscription's current state), not work here. The process
 * that records an event applies it, leased to it as it is recorded; others are claimed with leases
 * (several processes share them, a dead one's come back when their lease ends).
 */
export class StripeApplier {
  private readonly loop: ClaimLoop<ClaimedStripeEvent> | null;

  /**
   * Outcomes written in batches: one statement for the events applied together. An event whose outcome
   * was lost with its process is claimed again when its lease ends, and applying it again changes nothing.
   */
  private readonly settled: Batcher<Settlement, void>;

  /**
   * Subscriptions read and moved by the events being applied at the same time: one statement for the
   * reads, one transaction for the moves.
   */
  private readonly via: Applying;

  constructor(private readonly ctx: AppContext) {
    const reads = new Batcher<{ accountId: string; stripeId: string }, StripeSubscriptionRow | undefined>(
      (keys) => subscriptionsByStripeIds(ctx.db.sql, keys),
      64,
      batchesInFlight(ctx.db.kind),
    );
    this.via = {
      mover: moveTogether(ctx),
      subscriptionOf: (accountId, stripeId) => reads.submit({ accountId, stripeId }),
    };
    this.settled = new Batcher<Settlement, void>(
      async (batch) => {
        await settleStripeEvents(ctx.db.sql, batch);
        return batch.map(() => undefined);
      },
      500,
      batchesInFlight(ctx.db.kind),
    );
    const client = stripeClient(ctx.config);
    this.loop = client
      ? new ClaimLoop({
          claim: (limit) => {
            const now = new Date();
            return claimDueStripeEvents(ctx.db.sql, now, new Date(now.getTime() + LEASE_MS), limit);
          },
          handle: (event) => this.apply(client.stripe, event),
          batch: 64,
          maxInFlight: 96,
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

  /**
   * Places for up to `n` events this process is recording, to be recorded leased to it and applied here
   * at once, without a claim: how many it took, and until when their lease runs (none when this
   * process does not apply events, or has no room). Each place goes back with `applyLeased` or `release`.
   */
  lease(n: number): { count: number; until: Date } {
    return { count: this.loop?.reserve(n) ?? 0, until: new Date(Date.now() + LEASE_MS) };
  }

  /** Applies an event recorded leased to this process, in a place `lease` took. */
  applyLeased(event: ClaimedStripeEvent): void {
    this.loop!.handleReserved(event);
  }

  /** Gives back places `lease` took that no event used (a duplicate, or a failed insert). */
  release(n: number): void {
    if (n > 0) this.loop?.release(n);
  }

  private async apply(stripe: Stripe, event: ClaimedStripeEvent): Promise<void> {
    let outcome: Awaited<ReturnType<typeof applyStripeEvent>>;
    try {
      outcome = await applyStripeEvent(this.ctx, stripe, event, this.via);
    } catch (err) {
      outcome = { status: 'retry', note: (err as Error).message.slice(0, 500) };
    }
    const { id } = event;
    if (outcome.status !== 'retry')
      return this.settled.submit({ id, status: outcome.status, note: outcome.note ?? null, retryAt: null });
    const wait = RETRY_SECONDS[event.attempts - 1];
    if (wait === undefined)
      return this.settled.submit({ id, status: 'needs_attention', note: outcome.note, retryAt: null });
    const retryAt = new Date(Date.now() + wait * 1000);
    return this.settled.submit({ id, status: 'received', note: outcome.note, retryAt });
  }
}
