import { Batcher, batchesInFlight } from '../core/batcher.js';
import type { Database } from '../db/database.js';
import type { StripeApplier } from './applier.js';
import { type ClaimedStripeEvent, type NewStripeEvent, recordStripeEvents } from './repository.js';

/**
 * Records Stripe's webhook events with group commit: the events that arrive together are inserted in
 * one statement and one commit (one WAL flush instead of one per event), and each request is answered
 * once its own event is durably recorded — Stripe sends again whatever was not answered 2xx. New events
 * are recorded leased to this process's applier, as far as it has room, and handed to it: applying them
 * takes no claim (one write of each event's row fewer) and does not wait for the applier's next look.
 */
export class StripeEventRecorder {
  private readonly batcher: Batcher<NewStripeEvent, boolean>;

  constructor(db: Database, applier: StripeApplier) {
    this.batcher = new Batcher(
      async (events) => {
        const lease = applier.lease(events.length);
        let recorded: Awaited<ReturnType<typeof recordStripeEvents>>;
        try {
          recorded = await recordStripeEvents(db.sql, events, lease);
        } catch (err) {
          applier.release(lease.count);
          throw err;
        }
        let unused = lease.count;
        let waiting = false;
        recorded.forEach((r, i) => {
          if (!r) return;
          if (!r.leased) {
            waiting = true;
            return;
          }
          unused--;
          const e = events[i]!;
          applier.applyLeased({
            id: e.id,
            account_id: r.accountId,
            type: e.type,
            attempts: 1,
            payload: e.payload as ClaimedStripeEvent['payload'],
          });
        });
        applier.release(unused);
        if (waiting) applier.nudge();
        return recorded.map((r) => r !== null);
      },
      200,
      batchesInFlight(db.kind),
    );
  }

  /** False when the event was recorded before (Stripe sent it again, or twice in one batch). */
  record(event: NewStripeEvent): Promise<boolean> {
    return this.batcher.submit(event);
  }
}
