import { verifyWebhook, type WebhookEvent } from '@keyward/sdk/node';
import {
  type Denial,
  featureNotLicensed,
  insufficientTier,
  licenseInvalid,
  licenseMissing,
  serviceMisconfigured,
  serviceUnavailable,
  usageLimitExceeded,
} from './denials.js';
import { type Grant, QuotaReservations } from './reservations.js';
import { MemoryUsagePool, type RedisEval, RedisUsagePool } from './usage-pool.js';

/** What Keyward said about a license, cached locally so later checks cost a map lookup. */
export interface LicenseSummary {
  allowed: boolean;
  code: string;
  /** Keyward's reason when not allowed (for logs and the denial's details). */
  reason: string | null;
  licenseId: string | null;
  tier: string | null;
  tierRank: number | null;
  features: ReadonlySet<string>;
  /** The license's named limits (max_api_requests_per_hour, max_concurrent_connections …); null: unlimited. */
  limits: Readonly<Record<string, number | null>>;
}

export interface EnforcerOptions {
  /** Keyward's base URL, e.g. https://licensing.example.com */
  baseUrl: string;
  /** A Keyward API key: checks need any role; trackUsage (consume) needs developer, sales or support. */
  apiKey: string;
  /**
   * When Keyward cannot be reached (network failure, timeout, 5xx, 429): let requests through ('open')
   * or refuse them ('closed'). Answers about the license (unknown, malformed, revoked key) are denials
   * in both modes, and a rejected API key is a configuration error that denies every request.
   */
  failMode: 'open' | 'closed';
  /** How long a license summary is trusted; also how fast a suspension takes effect. Default 1000 ms. */
  cacheTtlMs?: number;
  /** Shown to users in FEATURE_NOT_LICENSED / INSUFFICIENT_LICENSE_TIER details. */
  upgradeUrl?: string;
  /** Plan codes by rank for requireTier('professional'); default: your plans' ranks, read from Keyward. */
  tierRanks?: Record<string, number>;
  /**
   * An ioredis client: the quota units reserved for `consume` are pooled there for every process of the
   * vendor's API, so the quota is reached exactly. Without it each process keeps its own units.
   */
  redis?: unknown;
  /**
   * 'blocks' (default): `consume` reserves quota in blocks of about a second of the license's traffic, so
   * Keyward calls do not grow with traffic (units unused at a period's end count as used, ≤ 2 % of the
   * limit). 'per-use': one Keyward call per `consume`, for usage that is billed exactly.
   */
  usageReservation?: 'blocks' | 'per-use';
  /**
   * The signing secret (`whsec_…`, or the old and new ones during a rotation) of a Keyward webhook
   * endpoint that points at this API (`fastifyWebhookRoute` / `expressWebhookHandler`): each license
   * change then drops that license's cached decision at once instead of after `cacheTtlMs`.
   */
  webhookSecret?: string | readonly string[];
  fetch?: typeof fetch;
  logger?: { warn: (msg: string) => void; error?: (msg: string) => void };
}

/** How one call to Keyward ended. */
type Outcome<T> =
  | { kind: 'answer'; body: T }
  /** Keyward refused the request about the license itself (a malformed or over-long key). */
  | { kind: 'refused'; code: string; reason: string }
  /** Keyward rejected our API key (wrong, revoked, or a role without the right). */
  | { kind: 'misconfigured'; status: number; code: string; reason: string }
  /** Keyward could not answer: network failure, timeout, 5xx or 429. */
  | { kind: 'outage'; reason: string };

/** Plan ranks are read again at most this often when a code is not known. */
const RANKS_TTL_MS = 60_000;

/**
 * Decides licensing questions for a vendor's API. The first check of a license asks Keyward
 * (`POST /api/v1/entitlements/check`); later checks within `cacheTtlMs` are answered from memory,
 * allowed or not.
 *
 * @example
 * const enforcer = new Enforcer({ baseUrl: 'http://localhost:8080', apiKey: process.env.KEYWARD_API_KEY!, failMode: 'closed' });
 * const denial = await enforcer.requireFeature(licenseKey, 'advanced_reporting'); // null when allowed
 */
export class Enforcer {
  readonly options: Required<
    Omit<EnforcerOptions, 'logger' | 'fetch' | 'tierRanks' | 'redis' | 'usageReservation' | 'webhookSecret'>
  > &
    Pick<EnforcerOptions, 'logger' | 'fetch' | 'tierRanks' | 'redis' | 'usageReservation' | 'webhookSecret'>;
  private cache = new Map<string, { summary: LicenseSummary; expires: number }>();
  private asking = new Map<string, Promise<LicenseSummary | Denial>>();
  /** Set once Keyward rejected the API key: every request is denied until `invalidate()`. */
  private misconfigured: Denial | undefined;
  private ranks: { byCode: Map<string, number>; at: number } | undefined;
  private readonly reservations: QuotaReservations;

  constructor(options: EnforcerOptions) {
    this.options = { cacheTtlMs: 1000, upgradeUrl: '/license/upgrade/', ...options };
    const warn = (m: string) => this.options.logger?.warn(m);
    const pool = options.redis ? new RedisUsagePool(options.redis as RedisEval, warn) : new MemoryUsagePool();
    this.reservations = new QuotaReservations(
      pool,
      (key, feature, units, partial) => this.reserve(key, feature, units, partial),
      this.options.cacheTtlMs,
    );
  }

  /** The cached summary, if still fresh. Synchronous: the fast path of every middleware. */
  cached(licenseKey: string): LicenseSummary | undefined {
    const hit = this.cache.get(licenseKey);
    return hit && hit.expires > Date.now() ? hit.summary : undefined;
  }

  /** Forgets one license (or all, and a configuration error), e.g. when a Keyward webhook says it changed. */
  invalidate(licenseKey?: string): void {
    this.reservations.forget(licenseKey);
    if (licenseKey) this.cache.delete(licenseKey);
    else {
      this.cache.clear();
      this.misconfigured = undefined;
      this.ranks = undefined;
    }
  }

  /**
   * Takes one Keyward webhook delivery (the raw body and its headers): verifies it with `webhookSecret`
   * (throws `WEBHOOK_SIGNATURE_INVALID` otherwise) and, for an event about a license, forgets what was
   * cached of it, so the next check asks Keyward. Returns the event.
   */
  receiveWebhook(rawBody: string | Uint8Array, headers: Parameters<typeof verifyWebhook>[2]): WebhookEvent {
    if (!this.options.webhookSecret)
      throw new Error('Enforcer: set webhookSecret to receive Keyward webhooks');
    const event = verifyWebhook(this.options.webhookSecret, rawBody, headers);
    if (event.data.subject?.type === 'license') this.invalidateLicenseId(event.data.subject.id);
    return event;
  }

  /** Forgets every cached key of the license with this id (a webhook names licenses by id). */
  private invalidateLicenseId(licenseId: string): void {
    for (const [key, hit] of this.cache) if (hit.summary.licenseId === licenseId) this.invalidate(key);
  }

  /** One call to Keyward, classified: an answer, a refusal about the license, our key rejected, or an outage. */
  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Outcome<T>> {
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(`${this.options.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(3000),
      });
    } catch (err) {
      return this.outage(`Keyward unreachable (${(err as Error).message})`);
    }
    if (res.ok) return { kind: 'answer', body: (await res.json()) as T };
    const error = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } })
      .error;
    const code = error?.code ?? `HTTP_${res.status}`;
    const reason = error?.message ?? `Keyward answered ${res.status}`;
    if (res.status >= 500 || res.status === 429) return this.outage(`Keyward answered ${res.status} ${code}`);
    if (res.status === 401 || (res.status === 403 && code === 'FORBIDDEN')) {
      if (!this.misconfigured) {
        const log = this.options.logger?.error ?? this.options.logger?.warn;
        log?.(
          `keyward enforce: Keyward rejected the API key (${res.status} ${code}: ${reason}); every licensed request is denied until the key is fixed`,
        );
        this.misconfigured = serviceMisconfigured();
      }
      return { kind: 'misconfigured', status: res.status, code, reason };
    }
    return { kind: 'refused', code, reason };
  }

  private outage(reason: string): Outcome<never> {
    this.options.logger?.warn(`keyward enforce: ${reason}; failing ${this.options.failMode}`);
    return { kind: 'outage', reason };
  }

  /** The summary, from cache or Keyward; a Denial when Keyward gave no summary to decide on. */
  async summary(licenseKey: string): Promise<LicenseSummary | Denial> {
    if (this.misconfigured) return this.misconfigured;
    const hit = this.cached(licenseKey);
    if (hit) return hit;
    // Requests arriving while the summary is being fetched wait for that one call.
    let asking = this.asking.get(licenseKey);
    if (!asking) {
      asking = this.fetchSummary(licenseKey).finally(() => this.asking.delete(licenseKey));
      this.asking.set(licenseKey, asking);
    }
    return asking;
  }

  private async fetchSummary(licenseKey: string): Promise<LicenseSummary | Denial> {
    const outcome = await this.call<{
      allowed: boolean;
      code: string;
      reason?: string | null;
      license_id: string | null;
      tier: string | null;
      tier_rank: number | null;
      features: string[];
      limits?: Record<string, number | null>;
    }>('POST', '/api/v1/entitlements/check', { license_key: licenseKey });
    let summary: LicenseSummary;
    switch (outcome.kind) {
      case 'outage':
        return this.options.failMode === 'open' ? OPEN : serviceUnavailable('The license service');
      case 'misconfigured':
        return this.misconfigured ?? serviceMisconfigured();
      case 'refused':
        summary = refusedSummary(outcome.code, outcome.reason);
        break;
      case 'answer': {
        const b = outcome.body;
        // Keyward says LICENSE_MISSING for a key it does not know; a key was given, so it is not found.
        const unknown = !b.allowed && b.code === 'LICENSE_MISSING';
        summary = {
          allowed: b.allowed,
          code: unknown ? 'LICENSE_NOT_FOUND' : b.code,
          reason: b.reason ?? null,
          licenseId: b.license_id,
          tier: b.tier,
          tierRank: b.tier_rank,
          features: new Set(b.features),
          limits: b.limits ?? {},
        };
      }
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(licenseKey, { summary, expires: Date.now() + this.options.cacheTtlMs });
    return summary;
  }

  /** The refusal for a license that is missing or not usable; null when usable (or let through open). */
  licenseDenial(licenseKey: string | undefined, summary: LicenseSummary | Denial): Denial | null {
    if (!licenseKey) return licenseMissing();
    if (isDenial(summary)) return summary === OPEN ? null : summary;
    if (!summary.allowed) return licenseInvalid({ code: summary.code, reason: summary.reason });
    return null;
  }

  /** Decides a feature from a summary (microseconds). */
  featureDenial(summary: LicenseSummary, feature: string): Denial | null {
    // A named limit of the license is metered like a feature (Keyward counts it).
    return summary.features.has(feature) || Object.hasOwn(summary.limits, feature)
      ? null
      : featureNotLicensed(feature, summary.tier, this.options.upgradeUrl);
  }

  /** Decides a minimum tier from a summary; `tier` is a rank or a plan code (ranked by Keyward). */
  async tierDenial(summary: LicenseSummary, tier: number | string): Promise<Denial | null> {
    const needed = typeof tier === 'number' ? tier : await this.rankOf(tier);
    if (needed === undefined) {
      this.options.logger?.warn(
        `keyward enforce: requireTier('${tier}') names no plan of this account; denying`,
      );
    }
    return needed !== undefined && (summary.tierRank ?? -1) >= needed
      ? null
      : insufficientTier(summary.tier, tier, this.options.upgradeUrl);
  }

  /** A plan code's rank: from `tierRanks`, else the account's plans as Keyward lists them (cached). */
  private async rankOf(code: string): Promise<number | undefined> {
    if (this.options.tierRanks) return this.options.tierRanks[code];
    const known = this.ranks?.byCode.get(code);
    if (known !== undefined) return known;
    if (this.ranks && Date.now() - this.ranks.at < RANKS_TTL_MS) return undefined;
    const byCode = new Map<string, number>();
    for (let offset = 0; ; offset += 100) {
      const page = await this.call<{ data: Array<{ code: string; rank: number }> }>(
        'GET',
        `/api/v1/plans?limit=100&offset=${offset}`,
      );
      if (page.kind !== 'answer') return undefined;
      for (const p of page.body.data) byCode.set(p.code, p.rank);
      if (page.body.data.length < 100) break;
    }
    this.ranks = { byCode, at: Date.now() };
    return byCode.get(code);
  }

  /** Null when the license may use `feature`; else the seed 002 denial. */
  async requireFeature(licenseKey: string | undefined, feature: string): Promise<Denial | null> {
    const summary = licenseKey ? await this.summary(licenseKey) : OPEN;
    const denial = this.licenseDenial(licenseKey, summary);
    if (denial || isDenial(summary)) return denial;
    return this.featureDenial(summary, feature);
  }

  /** Null when the license's tier is at least `tier`; else INSUFFICIENT_LICENSE_TIER. */
  async requireTier(licenseKey: string | undefined, tier: number | string): Promise<Denial | null> {
    const summary = licenseKey ? await this.summary(licenseKey) : OPEN;
    const denial = this.licenseDenial(licenseKey, summary);
    if (denial || isDenial(summary)) return denial;
    return this.tierDenial(summary, tier);
  }

  /**
   * Consumes `amount` of a metered feature's quota, never past it across every process. The license
   * and feature are decided from the cached summary; the units come from quota reserved in blocks
   * (`usageReservation`), so most calls cost no request to Keyward.
   */
  async consume(licenseKey: string | undefined, feature: string, amount = 1): Promise<Denial | null> {
    const summary = licenseKey ? await this.summary(licenseKey) : OPEN;
    const denial = this.licenseDenial(licenseKey, summary);
    if (denial || isDenial(summary) || !licenseKey) return denial;
    const notLicensed = this.featureDenial(summary, feature);
    if (notLicensed) return notLicensed;
    if (this.options.usageReservation === 'per-use') {
      const grant = await this.reserve(licenseKey, feature, amount, false);
      return grant.kind === 'granted' ? null : grant.denial;
    }
    return this.reservations.consume(licenseKey, feature, amount);
  }

  /**
   * Counts `amount` against one of the license's named limits (e.g. max_api_requests_per_hour): Keyward
   * counts it (reserved in blocks like any quota) and shows it in /licensing/status. A license without
   * that limit, or with it unlimited (null), is not limited.
   */
  async consumeLimit(licenseKey: string | undefined, name: string, amount = 1): Promise<Denial | null> {
    const summary = licenseKey ? await this.summary(licenseKey) : OPEN;
    const denial = this.licenseDenial(licenseKey, summary);
    if (denial || isDenial(summary) || !licenseKey) return denial;
    if ((summary.limits[name] ?? null) === null) return null;
    return this.consume(licenseKey, name, amount);
  }

  /** A named limit from the cached summary (synchronous): undefined when not cached, null when unlimited. */
  cachedLimit(licenseKey: string, name: string): number | null | undefined {
    const summary = this.cached(licenseKey);
    return summary ? (summary.limits[name] ?? null) : undefined;
  }

  /** Asks Keyward to take `units` of the quota (with `partial`, what is left when fewer are). */
  private async reserve(
    licenseKey: string,
    feature: string,
    units: number,
    partial: boolean,
  ): Promise<Grant> {
    if (this.misconfigured) return { kind: 'decided', denial: this.misconfigured };
    const outcome = await this.call<{
      allowed: boolean;
      code: string;
      reason?: string | null;
      used: number | null;
      limit: number | null;
      reset_at: string | null;
      granted?: number | null;
      tier: string | null;
    }>('POST', '/api/v1/entitlements/check', {
      license_key: licenseKey,
      feature,
      consume: units,
      ...(partial ? { partial: true } : {}),
    });
    if (outcome.kind === 'outage')
      return {
        kind: 'decided',
        denial: this.options.failMode === 'open' ? null : serviceUnavailable('The license service'),
      };
    if (outcome.kind === 'misconfigured')
      return { kind: 'decided', denial: this.misconfigured ?? serviceMisconfigured() };
    if (outcome.kind === 'refused')
      return { kind: 'decided', denial: licenseInvalid({ code: outcome.code, reason: outcome.reason }) };
    const body = outcome.body;
    const resetAt = body.reset_at ? new Date(body.reset_at).getTime() : null;
    if (body.allowed)
      return { kind: 'granted', granted: body.granted ?? units, limit: body.limit, expiresAt: resetAt };
    if (body.code === 'USAGE_LIMIT_EXCEEDED') {
      const retry = resetAt ? (resetAt - Date.now()) / 1000 : 3600;
      return {
        kind: 'exhausted',
        denial: usageLimitExceeded(feature, body.used ?? 0, body.limit ?? 0, retry),
        until: resetAt ?? Number.POSITIVE_INFINITY,
      };
    }
    if (body.code === 'LICENSE_MISSING')
      return {
        kind: 'decided',
        denial: licenseInvalid({ code: 'LICENSE_NOT_FOUND', reason: body.reason ?? null }),
      };
    if (body.code === 'FEATURE_NOT_LICENSED')
      return { kind: 'decided', denial: featureNotLicensed(feature, body.tier, this.options.upgradeUrl) };
    return { kind: 'decided', denial: licenseInvalid({ code: body.code, reason: body.reason ?? null }) };
  }
}

/** "Let it through": what an outage decides in open mode. */
const OPEN: Denial = Object.freeze({ status: 0, headers: {}, body: {} as Denial['body'] });

const isDenial = (v: LicenseSummary | Denial): v is Denial => 'status' in v;

/** Keyward refused the request about the key itself (e.g. a malformed key): a license that is not usable. */
function refusedSummary(code: string, reason: string): LicenseSummary {
  return {
    allowed: false,
    code,
    reason,
    licenseId: null,
    tier: null,
    tierRank: null,
    features: new Set(),
    limits: {},
  };
}
