import { Batcher, batchesInFlight } from '../core/batcher.js';
import type { Database } from '../db/database.js';
import { renewLeases } from './repository.js';

/** A seat's new lease end. The heartbeat's time reaches last_heartbeat_at through the usage recorder. */
export interface LeaseRenewal {
  activationId: string;
  until: Date;
}

/**
 * Renews floating leases (heartbeats) in batches: the renewals that arrive together are one UPDATE and
 * one commit. A renewal answers false when its seat is no longer live (the lease was released).
 */
export class LeaseRenewer {
  private readonly batcher: Batcher<LeaseRenewal, boolean>;

  constructor({ sql, kind }: Database) {
    this.batcher = new Batcher(
      async (renewals) => {
        const renewed = new Set(await renewLeases(sql, renewals));
        return renewals.map((r) => renewed.has(r.activationId));
      },
      500,
      batchesInFlight(kind),
    );
  }

  renew(renewal: LeaseRenewal): Promise<boolean> {
    return this.batcher.submit(renewal);
  }
}
