import { Batcher, batchesInFlight } from '../core/batcher.js';
import type { Database } from '../db/database.js';
import { type NewStripeEvent, recordStripeEvents } from './repository.js';

/**
 * Records Stripe's webhook events with group commit: the events that arrive together are inserted in
 * one statement and one commit (one WAL flush instead of one per event), and each request is answered
 * once its own event is durably recorded — Stripe sends again whatever was not answered 2xx.
 */
export class StripeEventRecorder {
  private readonly batcher: Batcher<NewStripeEvent, boolean>;

  constructor(db: Database) {
    this.batcher = new Batcher((events) => recordStripeEvents(db.sql, events), 200, batchesInFlight(db.kind));
  }

  /** False when the event was recorded before (Stripe sent it again, or twice in one batch). */
  record(event: NewStripeEvent): Promise<boolean> {
    return this.batcher.submit(event);
  }
}
