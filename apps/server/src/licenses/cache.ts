import type { Bus } from '../core/bus.js';
import { BusCache } from '../core/bus-cache.js';
import type { Clock } from '../core/clock.js';
import { digestSecret, type Keyring } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { normalizeLicenseKey } from './keys.js';
import { LICENSE_CHANGED } from './publish.js';
import { findLicenseByDigest, type LicenseWithPlan } from './repository.js';

const MAX = 100_000;

/**
 * Licenses by key digest, so an entitlement check or an activation needs no database round trip to
 * find its license. One per process (built by the composition root); dropped for every process by
 * `license.changed` on the bus, and after a minute otherwise. Activation checks the cached version
 * again under the license lock (`keyward_take_seats`).
 */
export class LicenseCache {
  private readonly byDigest: BusCache<string, LicenseWithPlan>;
  /** Digest of each key as presented: an HMAC per check was a visible share of a cached check. */
  private readonly digests = new Map<string, string>();

  constructor(private readonly deps: { bus: Bus; clock: Clock; db: Database; keyring: Keyring }) {
    this.byDigest = new BusCache({
      bus: deps.bus,
      clock: deps.clock,
      topic: LICENSE_CHANGED,
      ttlMs: 60_000,
      max: MAX,
      invalidates: (msg) => {
        const id = msg.data.license_id;
        return typeof id === 'string' ? { group: id } : undefined;
      },
      groupOf: (license) => license.id,
    });
  }

  close() {
    this.byDigest.close();
  }

  private digestOf(key: string): string {
    let digest = this.digests.get(key);
    if (digest === undefined) {
      digest = digestSecret(this.deps.keyring, normalizeLicenseKey(key));
      if (this.digests.size >= MAX) this.digests.clear();
      this.digests.set(key, digest);
    }
    return digest;
  }

  /** `fresh` skips the cached row (and replaces it): for a caller that was told its row is stale. */
  byKey(key: string, fresh = false): Promise<LicenseWithPlan | undefined> {
    const digest = this.digestOf(key);
    return this.byDigest.load(digest, () => findLicenseByDigest(this.deps.db.sql, digest), { fresh });
  }
}
