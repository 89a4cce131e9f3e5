import type { Bus } from '../core/bus.js';
import { BusCache } from '../core/bus-cache.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../db/database.js';
import { LICENSE_CHANGED } from '../licenses/publish.js';
import { findLicense, type LicenseWithPlan } from '../licenses/repository.js';
import type { TokenClaims } from '../signing/signing-keys.js';
import { type ActivationRow, findActivation, isDeviceBlocked } from './repository.js';

/** What validation needs to decide, loaded once and kept until something changes. */
export interface Snapshot {
  license: LicenseWithPlan;
  activation: ActivationRow;
  blocked: boolean;
}

/**
 * License + seat state by activation id, so a validation needs no database round trip. One per process
 * (built by the composition root). Every process drops a license's entries when it hears
 * `license.changed` on the bus, and every entry on a device block (a block can touch seats of other
 * licenses); a one-minute TTL bounds staleness should a notification ever be missed.
 */
export class SeatSnapshots {
  private readonly entries: BusCache<string, Snapshot>;

  constructor(
    private readonly deps: { bus: Bus; clock: Clock; db: Database },
    ttlMs = 60_000,
  ) {
    this.entries = new BusCache({
      bus: deps.bus,
      clock: deps.clock,
      topic: LICENSE_CHANGED,
      ttlMs,
      max: 200_000,
      invalidates: (msg) => {
        if (msg.data.event === 'activation.blocked') return 'all';
        const id = msg.data.license_id;
        return typeof id === 'string' ? { group: id } : undefined;
      },
      groupOf: (snap) => snap.license.id,
    });
  }

  close() {
    this.entries.close();
  }

  /** The seat's snapshot when this process holds it fresh, without waiting; else undefined. */
  cached(activationId: string, licenseId: string): Snapshot | undefined {
    const hit = this.entries.get(activationId);
    return hit && hit.license.id === licenseId ? hit : undefined;
  }

  async get(accountId: string, activationId: string, licenseId: string): Promise<Snapshot | undefined> {
    const hit = this.cached(activationId, licenseId);
    if (hit) return hit;
    return this.entries.load(
      activationId,
      async () => {
        const { sql } = this.deps.db;
        const activation = await findActivation(sql, accountId, activationId);
        if (!activation || activation.license_id !== licenseId) return undefined;
        const [license, blocked] = await Promise.all([
          findLicense(sql, accountId, licenseId),
          isDeviceBlocked(sql, accountId, activation.device_id, activation.fingerprint_hash),
        ]);
        return license ? { license, activation, blocked } : undefined;
      },
      { fresh: true, group: licenseId },
    );
  }

  /**
   * The seat an activation token names, if it may still be used: the app's other calls (usage, status,
   * the WebSocket) check the seat as validate does, so a deactivated or blocked seat's token is refused.
   */
  async liveSeat(claims: TokenClaims): Promise<SeatCheck> {
    const snap = await this.get(claims.account_id, claims.activation_id, claims.license_id);
    if (!snap)
      return { ok: false, code: 'LICENSE_NOT_FOUND', reason: 'The license of this token no longer exists' };
    if (snap.blocked || snap.activation.status === 'blocked')
      return { ok: false, code: 'DEVICE_BLOCKED', reason: 'This device is blocked' };
    if (snap.activation.status !== 'active')
      return {
        ok: false,
        code: 'ACTIVATION_NOT_FOUND',
        reason: `This device's activation is ${snap.activation.status}; activate again`,
      };
    return { ok: true, snap };
  }
}

export type SeatCheck =
  | { ok: true; snap: Snapshot }
  | { ok: false; code: 'LICENSE_NOT_FOUND' | 'DEVICE_BLOCKED' | 'ACTIVATION_NOT_FOUND'; reason: string };
