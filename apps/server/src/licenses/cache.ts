import type { AppContext } from '../core/context.js';
import { digestSecret } from '../crypto/master-key.js';
import { normalizeLicenseKey } from './keys.js';
import { LICENSE_CHANGED } from './publish.js';
import { findLicenseByDigest, type LicenseWithPlan } from './repository.js';

const TTL_MS = 60_000;
const MAX = 100_000;

/**
 * Licenses by key digest, so an entitlement check or an activation needs no database round trip to
 * find its license. Dropped for every process by `license.changed` on the bus; a TTL bounds staleness
 * otherwise. Activation checks the cached version again under the license lock (`keyward_take_seats`).
 */
export class LicenseCache {
  private byDigest = new Map<string, { license: LicenseWithPlan; at: number; gen: number }>();
  private generations = new Map<string, number>();
  /** Changes heard so far: a load that overlapped one may hold the old row and is not kept. */
  private changes = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: Pick<AppContext, 'bus' | 'db' | 'keyring'>) {
    this.unsubscribe = ctx.bus.subscribe(LICENSE_CHANGED, (msg) => {
      const id = msg.data.license_id;
      this.changes++;
      if (typeof id === 'string') this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
    });
  }

  close() {
    this.unsubscribe();
  }

  /** Digest of each key as presented: an HMAC per check was a visible share of a cached check. */
  private digests = new Map<string, string>();

  private digestOf(key: string): string {
    let digest = this.digests.get(key);
    if (digest === undefined) {
      digest = digestSecret(this.ctx.keyring, normalizeLicenseKey(key));
      if (this.digests.size >= MAX) this.digests.clear();
      this.digests.set(key, digest);
    }
    return digest;
  }

  /** `fresh` skips the cached row (and replaces it): for a caller that was told its row is stale. */
  async byKey(key: string, fresh = false): Promise<LicenseWithPlan | undefined> {
    const digest = this.digestOf(key);
    const hit = this.byDigest.get(digest);
    if (
      !fresh &&
      hit &&
      Date.now() - hit.at < TTL_MS &&
      hit.gen === (this.generations.get(hit.license.id) ?? 0)
    )
      return hit.license;
    const changesBefore = this.changes;
    const license = await findLicenseByDigest(this.ctx.db.sql, digest);
    if (!license || this.changes !== changesBefore) return license;
    if (this.byDigest.size >= MAX) this.byDigest.delete(this.byDigest.keys().next().value as string);
    this.byDigest.set(digest, { license, at: Date.now(), gen: this.generations.get(license.id) ?? 0 });
    return license;
  }
}
