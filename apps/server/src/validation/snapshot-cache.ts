import { type ActivationRow, findActivation, isDeviceBlocked } from '../activations/repository.js';
import type { AppContext } from '../core/context.js';
import { LICENSE_CHANGED } from '../licenses/publish.js';
import { findLicense, type LicenseWithPlan } from '../licenses/repository.js';

/** What validation needs to decide, loaded once and kept until something changes. */
export interface Snapshot {
  license: LicenseWithPlan;
  activation: ActivationRow;
  blocked: boolean;
}

const DEFAULT_TTL_MS = 60_000;
const MAX_ENTRIES = 200_000;

/**
 * License + seat state by activation id, so a validation needs no database round trip.
 * Every process drops entries when it hears `license.changed` on the bus (LISTEN/NOTIFY);
 * a TTL bounds staleness should a notification ever be missed. A per-license generation
 * counter stops a load that raced with an invalidation from caching the old row.
 */
export class SnapshotCache {
  private entries = new Map<string, { snap: Snapshot; at: number; gen: number }>();
  private generations = new Map<string, number>();
  private epoch = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {
    this.unsubscribe = ctx.bus.subscribe(LICENSE_CHANGED, (msg) => {
      const id = msg.data.license_id;
      if (typeof id === 'string') this.invalidateLicense(id);
      if (msg.data.event === 'activation.blocked') this.clear(); // a block can touch seats of other licenses
    });
  }

  invalidateLicense(licenseId: string) {
    // Entries of this license now carry an old generation and reload on their next read.
    this.generations.set(licenseId, (this.generations.get(licenseId) ?? 0) + 1);
  }

  clear() {
    this.epoch++;
    this.entries.clear();
  }

  close() {
    this.unsubscribe();
    this.entries.clear();
  }

  private stamp(licenseId: string) {
    return this.epoch * 1e9 + (this.generations.get(licenseId) ?? 0);
  }

  async get(accountId: string, activationId: string, licenseId: string): Promise<Snapshot | undefined> {
    const hit = this.entries.get(activationId);
    if (hit && Date.now() - hit.at < this.ttlMs && hit.gen === this.stamp(licenseId)) return hit.snap;
    const gen = this.stamp(licenseId);
    const activation = await findActivation(this.ctx.db.sql, accountId, activationId);
    if (!activation || activation.license_id !== licenseId) return undefined;
    const [license, blocked] = await Promise.all([
      findLicense(this.ctx.db.sql, accountId, licenseId),
      isDeviceBlocked(this.ctx.db.sql, accountId, activation.device_id, activation.fingerprint_hash),
    ]);
    if (!license) return undefined;
    const snap = { license, activation, blocked };
    if (gen === this.stamp(licenseId)) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(activationId, { snap, at: Date.now(), gen });
    }
    return snap;
  }
}
