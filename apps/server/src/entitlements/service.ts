import type { SeatSnapshots } from '../activations/seat-snapshots.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import type { LicenseCache } from '../licenses/cache.js';
import { publishLicenseChanged } from '../licenses/publish.js';
import { findLicense, type LicenseWithPlan } from '../licenses/repository.js';
import type { UsageRecorder } from '../licensing/usage-recorder.js';
import type { SigningKeys } from '../signing/signing-keys.js';
import type { QuotaCounters, QuotaKey } from './quota-counters.js';
import { findBestLiveLicenseId, findPlanRank } from './repository.js';
import { decideEntitlement, type EntitlementCode, type Period, periodReset, periodStart } from './rules.js';
import { licenseStatus } from './status.js';

export interface LicenseRef {
  license_key?: string | undefined;
  token?: string | undefined;
  customer_id?: string | undefined;
}

export interface CheckInput extends LicenseRef {
  feature?: string | undefined;
  min_tier?: number | string | undefined;
  consume?: number | undefined;
  /** With consume: take what is left when less than `consume` is (enforce reserves quota in blocks). */
  partial?: boolean | undefined;
}

export interface CheckResult {
  allowed: boolean;
  code: EntitlementCode;
  reason: string;
  license_id: string | null;
  tier: string | null;
  tier_rank: number | null;
  feature: string | null;
  limit: number | null;
  used: number | null;
  remaining: number | null;
  reset_at: string | null;
  /** How much of `consume` was taken (less than asked only with `partial`); null without consume. */
  granted: number | null;
  /** Enabled feature ids of the license, so a caller (the enforce middleware) can cache and decide locally. */
  features: string[];
  /** The license's named limits (max_api_requests_per_hour …), checkable and consumable as `feature`. */
  limits: Record<string, number | null>;
}

/** The process parts entitlement checks use (built by the composition root). */
export interface EntitlementDeps {
  ctx: AppContext;
  licenses: LicenseCache;
  signing: SigningKeys;
  snapshots: SeatSnapshots;
  quotas: QuotaCounters;
  /** Quota consumed is logged as `usage` rows: the analytics' consumption series. */
  usage: UsageRecorder;
}

/** The license a check is about, or why a token's seat may not be used. */
type Resolved = { license?: LicenseWithPlan | undefined; refusal?: string };

/** Finds the license a check is about, within `accountId` (undefined = any account, for client tokens). */
export async function resolveLicense(
  deps: EntitlementDeps,
  ref: LicenseRef,
  accountId?: string,
): Promise<Resolved> {
  const given = [ref.license_key, ref.token, ref.customer_id].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw new AppError(
      'INVALID_REQUEST',
      'Identify the license with exactly one of license_key, token or customer_id',
      { pointer: '/body' },
    );
  const { ctx } = deps;
  let license: LicenseWithPlan | undefined;
  if (ref.license_key) license = await deps.licenses.byKey(ref.license_key);
  else if (ref.token) {
    const verified = await deps.signing.verifyToken(ref.token);
    if (verified.ok) {
      const seat = await deps.snapshots.liveSeat(verified.claims);
      if (!seat.ok) return { refusal: seat.reason };
      license = seat.snap.license;
    }
  } else if (ref.customer_id && accountId) {
    // The customer's best live license: highest tier, then latest expiry.
    const id = await findBestLiveLicenseId(ctx.db.sql, accountId, ref.customer_id);
    if (id) license = await findLicense(ctx.db.sql, accountId, id);
  }
  if (license && accountId && license.account_id !== accountId) return {};
  return { license };
}

async function minRankOf(
  ctx: AppContext,
  accountId: string,
  minTier: number | string | undefined,
): Promise<number | undefined> {
  if (minTier === undefined || typeof minTier === 'number') return minTier;
  const rank = await findPlanRank(ctx.db.sql, accountId, minTier);
  if (rank === undefined)
    throw new AppError('INVALID_FIELD', `No plan with code "${minTier}" to compare tiers with`, {
      pointer: '/body/min_tier',
    });
  return rank;
}

/**
 * Is `feature` (and/or `min_tier`) allowed for the license, and — with `consume` — take that much quota
 * atomically. Denials are outcomes with the seed 002 codes, not errors.
 */
export async function checkEntitlement(
  deps: EntitlementDeps,
  { license, refusal }: Resolved,
  input: CheckInput,
): Promise<CheckResult> {
  const { ctx, quotas: counters } = deps;
  if (!license)
    return {
      allowed: false,
      // A token whose seat was deactivated or blocked names a license, but not one it may use.
      code: refusal ? 'LICENSE_INVALID' : 'LICENSE_MISSING',
      reason: refusal ?? 'No license matches',
      license_id: null,
      tier: null,
      tier_rank: null,
      feature: input.feature ?? null,
      limit: null,
      used: null,
      remaining: null,
      reset_at: null,
      granted: null,
      features: [],
      limits: {},
    };
  const now = ctx.clock.now();
  const decision = decideEntitlement(
    license,
    now,
    input.feature,
    await minRankOf(ctx, license.account_id, input.min_tier),
  );
  // One literal of a fixed shape (spreading a base object into it cost more than the decision).
  const result: CheckResult = {
    allowed: decision.allowed,
    code: decision.code,
    reason: decision.reason,
    license_id: license.id,
    tier: license.plan_code,
    tier_rank: license.plan_rank,
    feature: input.feature ?? null,
    limit: null,
    used: null,
    remaining: null,
    reset_at: null,
    granted: null,
    features: license.enabled_features,
    limits: license.limits,
  };
  const feature = decision.feature;
  if (!decision.allowed || !feature || input.feature === undefined) return result;
  const limit = feature.limit_value ?? null;
  if (limit === null && !input.consume) return result;
  const period: Period = feature.period ?? 'total';
  const key = {
    accountId: license.account_id,
    licenseId: license.id,
    // The feature's counter (a named limit counts under its counter's name, e.g. api_requests).
    feature: feature.feature_id,
    periodStart: periodStart(period, now),
    periodEnd: periodReset(period, now),
  };
  result.limit = limit;
  result.reset_at = key.periodEnd?.toISOString() ?? null;
  if (input.consume) {
    const { allowed, used, granted } = input.partial
      ? await consumeUpTo(counters, key, input.consume, limit)
      : { ...(await counters.consume(key, input.consume, limit)), granted: input.consume };
    if (!allowed) {
      // Apps listening on the WebSocket hear it (license.limit_exceeded).
      void publishLicenseChanged(ctx, license.account_id, {
        license_id: license.id,
        event: 'license.limit_exceeded',
        feature: input.feature,
      });
      return {
        ...result,
        allowed: false,
        code: 'USAGE_LIMIT_EXCEEDED',
        reason: `The ${period} quota of ${limit} for ${input.feature} is used up`,
        used,
        remaining: Math.max(0, (limit ?? 0) - used),
        granted: 0,
      };
    }
    if (granted > 0)
      deps.usage.record({
        accountId: license.account_id,
        licenseId: license.id,
        kind: 'usage',
        success: true,
        code: feature.feature_id,
        count: granted,
      });
    return { ...result, used, remaining: limit === null ? null : limit - used, granted };
  }
  const used = await counters.current(key);
  if (limit !== null && used >= limit) {
    return {
      ...result,
      allowed: false,
      code: 'USAGE_LIMIT_EXCEEDED',
      reason: `The ${period} quota of ${limit} for ${input.feature} is used up`,
      used,
      remaining: 0,
    };
  }
  return { ...result, used, remaining: limit === null ? null : limit - used };
}

/**
 * Takes `amount`, or what is left of the quota when less is left. Each try is the counters' atomic
 * check-and-add, so a concurrent consumer can only make it ask again for less, never pass the limit.
 */
async function consumeUpTo(counters: QuotaCounters, key: QuotaKey, amount: number, limit: number | null) {
  let ask = amount;
  let used = 0;
  for (let tries = 0; tries < 8; tries++) {
    const taken = await counters.consume(key, ask, limit);
    used = taken.used;
    if (taken.allowed) return { allowed: true, used, granted: ask };
    const left = (limit ?? 0) - used;
    if (left <= 0) break;
    ask = Math.min(ask, left);
  }
  return { allowed: false, used, granted: 0 };
}

/** POST /entitlements/check (a vendor's backend, staff credentials): the license of `accountId` the body names. */
export async function checkForAccount(deps: EntitlementDeps, accountId: string, input: CheckInput) {
  return checkEntitlement(deps, await resolveLicense(deps, input, accountId), input);
}

/** POST /licensing/usage (an app, by its token): consume `count` of a metered feature. */
export async function recordUsage(
  deps: EntitlementDeps,
  input: { token: string; feature: string; count?: number | undefined },
) {
  const resolved = await resolveLicense(deps, { token: input.token });
  return checkEntitlement(deps, resolved, { feature: input.feature, consume: input.count ?? 1 });
}

/** GET /licenses/:id/usage (staff): usage against every limit, with alerts and recommendations. */
export async function usageOfLicense(deps: EntitlementDeps, accountId: string, licenseId: string) {
  const license = await findLicense(deps.ctx.db.sql, accountId, licenseId);
  if (!license) throw notFound('License');
  const status = await licenseStatus(deps.ctx, deps.quotas, license);
  return {
    usage: status.usage,
    usage_percentage: status.usage_percentage,
    alerts: status.alerts,
    recommendations: status.recommendations,
  };
}

/** GET /licensing/status (an app, by its token): its license, usage, alerts and recommendations. */
export async function statusForToken(deps: EntitlementDeps, token: string | undefined) {
  if (!token)
    throw new AppError('UNAUTHENTICATED', 'Send the activation token as "Authorization: Bearer <token>"');
  const verified = await deps.signing.verifyToken(token);
  if (!verified.ok) throw new AppError(verified.code, verified.reason);
  const seat = await deps.snapshots.liveSeat(verified.claims);
  if (!seat.ok) throw new AppError(seat.code, seat.reason);
  return licenseStatus(deps.ctx, deps.quotas, seat.snap.license);
}
