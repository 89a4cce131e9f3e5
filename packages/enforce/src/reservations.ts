import { createHash } from 'node:crypto';
import type { Denial } from './denials.js';
import type { UsagePool } from './usage-pool.js';

/** What Keyward answered to a reservation of `asked` units. */
export type Grant =
  /** Keyward took `granted` units (maybe fewer than asked: what was left); they expire at `expiresAt`. */
  | { kind: 'granted'; granted: number; limit: number | null; expiresAt: number | null }
  /** The quota is used up; `denial` says so with the server's numbers. */
  | { kind: 'exhausted'; denial: Denial; until: number }
  /** Any other refusal (license unusable, feature not licensed), or null: let it through (open outage). */
  | { kind: 'decided'; denial: Denial | null };

/** A share of the limit, at most, is held in the pool at once: bounds what an unused block over-counts. */
const MAX_BLOCK_SHARE = 0.02;
/** Blocks of an unlimited feature hold at most this many units. */
const MAX_UNLIMITED_BLOCK = 10_000;

/**
 * Usage tracking that reserves quota in blocks. Each request takes its units from the pool; when the
 * pool runs dry one request per process asks Keyward for a block sized to about a second of this
 * license's traffic, so Keyward calls per license stay about one a second however busy the vendor's API
 * is. Keyward grants at most what is left (`partial`), so the quota is never exceeded; with a shared
 * (Redis) pool every granted unit can be used by any process, so the quota is also reached exactly.
 *
 * Trade-off: units reserved and not used by the end of a period count as used — at most one block,
 * 2 % of the limit.
 */
export class QuotaReservations {
  private refills = new Map<string, Promise<Denial | null | 'retry'>>();
  private exhausted = new Map<string, { until: number; denial: Denial }>();
  /** Units used per pool key: in the current second and the one before, to size the next block. */
  /** `limit` undefined: not yet known here, so blocks stay at one request's size. */
  private traffic = new Map<
    string,
    { second: number; now: number; before: number; limit: number | null | undefined }
  >();

  constructor(
    private readonly pool: UsagePool,
    /** Asks Keyward for `units`; with `partial`, for what is left when fewer are. */
    private readonly reserve: (
      licenseKey: string,
      feature: string,
      units: number,
      partial: boolean,
    ) => Promise<Grant>,
    private readonly cacheTtlMs: number,
  ) {}

  /** Null when `amount` units were taken; else the denial (quota used up, license refused, outage closed). */
  async consume(licenseKey: string, feature: string, amount: number): Promise<Denial | null> {
    const key = poolKey(licenseKey, feature);
    for (let tries = 0; tries < 5; tries++) {
      if (await this.pool.take(key, amount)) {
        this.count(key, amount);
        return null;
      }
      const spent = this.exhausted.get(key);
      if (spent && spent.until > Date.now()) return spent.denial;
      let refill = this.refills.get(key);
      if (!refill) {
        refill = this.refill(licenseKey, feature, key, amount).finally(() => this.refills.delete(key));
        this.refills.set(key, refill);
      }
      const outcome = await refill;
      if (outcome !== 'retry') return outcome;
    }
    // Other requests kept emptying the pool first: take just this request's units, all or none.
    const grant = await this.reserve(licenseKey, feature, amount, false);
    return grant.kind === 'granted' ? null : grant.denial;
  }

  /** Forgets what is known of one license (all when no key): e.g. after its plan or quota changed. */
  forget(licenseKey?: string): void {
    if (!licenseKey) {
      this.exhausted.clear();
      this.traffic.clear();
      return;
    }
    const prefix = poolKey(licenseKey, '');
    for (const map of [this.exhausted, this.traffic])
      for (const k of map.keys()) if (k.startsWith(prefix)) map.delete(k);
  }

  /** One reservation; 'retry' when units went into the pool (the caller takes them), else the decision. */
  private async refill(
    licenseKey: string,
    feature: string,
    key: string,
    amount: number,
  ): Promise<Denial | null | 'retry'> {
    const grant = await this.reserve(licenseKey, feature, this.blockSize(key, amount), true);
    switch (grant.kind) {
      case 'decided':
        return grant.denial;
      case 'exhausted':
        this.exhausted.set(key, {
          until: Math.min(grant.until, Date.now() + this.cacheTtlMs),
          denial: grant.denial,
        });
        return grant.denial;
      case 'granted':
        this.noteLimit(key, grant.limit);
        await this.pool.add(key, grant.granted, grant.expiresAt);
        return 'retry';
    }
  }

  /** About a second of this license's traffic, at least `amount`, at most 2 % of the limit. */
  private blockSize(key: string, amount: number): number {
    const seen = this.traffic.get(key);
    if (!seen || seen.limit === undefined) return amount;
    const rate = Math.max(seen.before, seen.now * 2);
    const cap =
      seen.limit === null ? MAX_UNLIMITED_BLOCK : Math.max(1, Math.floor(seen.limit * MAX_BLOCK_SHARE));
    return Math.max(amount, Math.min(rate, cap));
  }

  private count(key: string, amount: number): void {
    const second = Math.floor(Date.now() / 1000);
    const seen = this.traffic.get(key);
    if (!seen) {
      if (this.traffic.size > 100_000) this.traffic.clear();
      this.traffic.set(key, { second, now: amount, before: 0, limit: undefined });
    } else if (seen.second === second) seen.now += amount;
    else {
      seen.before = seen.second === second - 1 ? seen.now : 0;
      seen.second = second;
      seen.now = amount;
    }
  }

  private noteLimit(key: string, limit: number | null): void {
    const seen = this.traffic.get(key);
    if (seen) seen.limit = limit;
    else this.traffic.set(key, { second: Math.floor(Date.now() / 1000), now: 0, before: 0, limit });
  }
}

/** Pool keys hold the license key's digest, so keys never appear in Redis (SCAN, MONITOR, dumps). */
function poolKey(licenseKey: string, feature: string): string {
  return `${createHash('sha256').update(licenseKey).digest('base64url')}:${feature}`;
}
