import {
  type Denial,
  featureNotLicensed,
  insufficientTier,
  licenseInvalid,
  licenseMissing,
  serviceUnavailable,
  usageLimitExceeded,
} from './denials.js';

/** What Keyward said about a license, cached locally so later checks cost a map lookup. */
export interface LicenseSummary {
  allowed: boolean;
  code: string;
  licenseId: string | null;
  tier: string | null;
  tierRank: number | null;
  features: ReadonlySet<string>;
}

export interface EnforcerOptions {
  /** Keyward's base URL, e.g. https://licensing.example.com */
  baseUrl: string;
  /** A Keyward API key (read role is enough). */
  apiKey: string;
  /** When Keyward cannot be reached: let requests through ('open') or refuse them ('closed'). */
  failMode: 'open' | 'closed';
  /** How long a license summary is trusted; also how fast a suspension takes effect. Default 1000 ms. */
  cacheTtlMs?: number;
  /** Shown to users in FEATURE_NOT_LICENSED / INSUFFICIENT_LICENSE_TIER details. */
  upgradeUrl?: string;
  /** Tier codes by rank, for requireTier('professional'). Default: the seed tiers. */
  tierRanks?: Record<string, number>;
  fetch?: typeof fetch;
  logger?: { warn: (msg: string) => void };
}

const DEFAULT_TIERS: Record<string, number> = {
  free: 0,
  basic: 1,
  starter: 1,
  professional: 2,
  enterprise: 3,
};

/**
 * Decides licensing questions for a vendor's API. The first check of a license asks Keyward
 * (`POST /api/v1/entitlements/check`); later checks within `cacheTtlMs` are answered from memory.
 *
 * @example
 * const enforcer = new Enforcer({ baseUrl: 'http://localhost:8080', apiKey: process.env.KEYWARD_API_KEY!, failMode: 'closed' });
 * const denial = await enforcer.requireFeature(licenseKey, 'advanced_reporting'); // null when allowed
 */
export class Enforcer {
  readonly options: Required<Omit<EnforcerOptions, 'logger' | 'fetch'>> &
    Pick<EnforcerOptions, 'logger' | 'fetch'>;
  private cache = new Map<string, { summary: LicenseSummary; expires: number }>();

  constructor(options: EnforcerOptions) {
    this.options = {
      cacheTtlMs: 1000,
      upgradeUrl: '/license/upgrade/',
      tierRanks: DEFAULT_TIERS,
      ...options,
    };
  }

  /** The cached summary, if still fresh. Synchronous: the fast path of every middleware. */
  cached(licenseKey: string): LicenseSummary | undefined {
    const hit = this.cache.get(licenseKey);
    return hit && hit.expires > Date.now() ? hit.summary : undefined;
  }

  /** Forgets one license (or all), e.g. when a Keyward webhook says it changed. */
  invalidate(licenseKey?: string): void {
    if (licenseKey) this.cache.delete(licenseKey);
    else this.cache.clear();
  }

  /** The license summary, from cache or Keyward; `undefined` when Keyward is unreachable. */
  async summary(licenseKey: string): Promise<LicenseSummary | undefined> {
    const hit = this.cached(licenseKey);
    if (hit) return hit;
    try {
      const res = await (this.options.fetch ?? fetch)(`${this.options.baseUrl}/api/v1/entitlements/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
        body: JSON.stringify({ license_key: licenseKey }),
        signal: AbortSignal.timeout(3000),
      });
      if (!res.ok) throw new Error(`Keyward answered ${res.status}`);
      const body = (await res.json()) as {
        allowed: boolean;
        code: string;
        license_id: string | null;
        tier: string | null;
        tier_rank: number | null;
        features: string[];
      };
      const summary: LicenseSummary = {
        allowed: body.allowed,
        code: body.code,
        licenseId: body.license_id,
        tier: body.tier,
        tierRank: body.tier_rank,
        features: new Set(body.features),
      };
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(licenseKey, { summary, expires: Date.now() + this.options.cacheTtlMs });
      return summary;
    } catch (err) {
      this.options.logger?.warn(
        `keyward enforce: Keyward unreachable (${(err as Error).message}); failing ${this.options.failMode}`,
      );
      return undefined;
    }
  }

  /** The refusal for a license that is missing, invalid, or unknown to an unreachable Keyward; null when usable. */
  licenseDenial(licenseKey: string | undefined, summary: LicenseSummary | undefined): Denial | null {
    if (!licenseKey) return licenseMissing();
    if (!summary) return this.options.failMode === 'open' ? null : serviceUnavailable('The license service');
    if (summary.code === 'LICENSE_MISSING') return licenseMissing();
    if (!summary.allowed) return licenseInvalid({ code: summary.code });
    return null;
  }

  /** Decides a feature from a summary (microseconds). */
  featureDenial(summary: LicenseSummary, feature: string): Denial | null {
    return summary.features.has(feature)
      ? null
      : featureNotLicensed(feature, summary.tier, this.options.upgradeUrl);
  }

  /** Decides a minimum tier from a summary; `tier` is a rank or a tier code. */
  tierDenial(summary: LicenseSummary, tier: number | string): Denial | null {
    const needed =
      typeof tier === 'number' ? tier : (this.options.tierRanks[tier] ?? Number.POSITIVE_INFINITY);
    return (summary.tierRank ?? -1) >= needed
      ? null
      : insufficientTier(summary.tier, tier, this.options.upgradeUrl);
  }

  /** Null when the license may use `feature`; else the seed 002 denial. */
  async requireFeature(licenseKey: string | undefined, feature: string): Promise<Denial | null> {
    const summary = licenseKey ? await this.summary(licenseKey) : undefined;
    const denial = this.licenseDenial(licenseKey, summary);
    if (denial || !summary) return denial;
    return this.featureDenial(summary, feature);
  }

  /** Null when the license's tier is at least `tier`; else INSUFFICIENT_LICENSE_TIER. */
  async requireTier(licenseKey: string | undefined, tier: number | string): Promise<Denial | null> {
    const summary = licenseKey ? await this.summary(licenseKey) : undefined;
    const denial = this.licenseDenial(licenseKey, summary);
    if (denial || !summary) return denial;
    return this.tierDenial(summary, tier);
  }

  /**
   * Consumes `amount` of a metered feature's quota in Keyward (atomic across every process).
   * Not cached: each call is one request to Keyward.
   */
  async consume(licenseKey: string | undefined, feature: string, amount = 1): Promise<Denial | null> {
    if (!licenseKey) return licenseMissing();
    let body: {
      allowed: boolean;
      code: string;
      used: number | null;
      limit: number | null;
      reset_at: string | null;
      tier: string | null;
    };
    try {
      const res = await (this.options.fetch ?? fetch)(`${this.options.baseUrl}/api/v1/entitlements/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
        body: JSON.stringify({ license_key: licenseKey, feature, consume: amount }),
        signal: AbortSignal.timeout(3000),
      });
      if (!res.ok) throw new Error(`Keyward answered ${res.status}`);
      body = (await res.json()) as typeof body;
    } catch (err) {
      this.options.logger?.warn(
        `keyward enforce: Keyward unreachable (${(err as Error).message}); failing ${this.options.failMode}`,
      );
      return this.options.failMode === 'open' ? null : serviceUnavailable('The license service');
    }
    if (body.allowed) return null;
    if (body.code === 'USAGE_LIMIT_EXCEEDED') {
      const retry = body.reset_at ? (new Date(body.reset_at).getTime() - Date.now()) / 1000 : 3600;
      return usageLimitExceeded(feature, body.used ?? 0, body.limit ?? 0, retry);
    }
    if (body.code === 'LICENSE_MISSING') return licenseMissing();
    if (body.code === 'FEATURE_NOT_LICENSED')
      return featureNotLicensed(feature, body.tier, this.options.upgradeUrl);
    return licenseInvalid({ code: body.code });
  }
}
