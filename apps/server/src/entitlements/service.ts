import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { publishLicenseChanged } from '../licenses/publish.js';
import { findLicense, type LicenseWithPlan } from '../licenses/repository.js';
import { verifyLicenseToken } from '../signing/service.js';
import type { QuotaCounters } from './quota-counters.js';
import { decideEntitlement, type EntitlementCode, type Period, periodReset, periodStart } from './rules.js';

export interface LicenseRef {
  license_key?: string | undefined;
  token?: string | undefined;
  customer_id?: string | undefined;
}

export interface CheckInput extends LicenseRef {
  feature?: string | undefined;
  min_tier?: number | string | undefined;
  consume?: number | undefined;
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
  /** Enabled feature ids of the license, so a caller (the enforce middleware) can cache and decide locally. */
  features: string[];
}

/** Finds the license a check is about, within `accountId` (undefined = any account, for client tokens). */
export async function resolveLicense(
  ctx: AppContext,
  ref: LicenseRef,
  accountId?: string,
): Promise<LicenseWithPlan | undefined> {
  const given = [ref.license_key, ref.token, ref.customer_id].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw new AppError(
      'INVALID_REQUEST',
      'Identify the license with exactly one of license_key, token or customer_id',
      { pointer: '/body' },
    );
  let license: LicenseWithPlan | undefined;
  if (ref.license_key) license = await ctx.licenses.byKey(ref.license_key);
  else if (ref.token) {
    const verified = await verifyLicenseToken(ctx, ref.token);
    if (verified.ok)
      license = await findLicense(ctx.db.sql, verified.claims.account_id, verified.claims.license_id);
  } else if (ref.customer_id && accountId) {
    // The customer's best live license: highest tier, then latest expiry.
    const [row] = await ctx.db.sql<{ id: string }[]>`
      select l.id from licenses l join plans p on p.id = l.plan_id
      where l.account_id = ${accountId} and l.customer_id = ${ref.customer_id} and l.status = 'active'
      order by p.rank desc, l.expires_at desc nulls first limit 1`;
    if (row) license = await findLicense(ctx.db.sql, accountId, row.id);
  }
  if (license && accountId && license.account_id !== accountId) return undefined;
  return license;
}

async function minRankOf(
  ctx: AppContext,
  accountId: string,
  minTier: number | string | undefined,
): Promise<number | undefined> {
  if (minTier === undefined || typeof minTier === 'number') return minTier;
  const [plan] = await ctx.db.sql<
    { rank: number }[]
  >`select rank from plans where account_id = ${accountId} and code = ${minTier}`;
  if (!plan)
    throw new AppError('INVALID_FIELD', `No plan with code "${minTier}" to compare tiers with`, {
      pointer: '/body/min_tier',
    });
  return plan.rank;
}

/** Enabled feature ids of a loaded license row, computed once per row (rows are replaced on change). */
const enabledByLicense = new WeakMap<LicenseWithPlan, string[]>();
function enabledFeatures(license: LicenseWithPlan): string[] {
  let ids = enabledByLicense.get(license);
  if (!ids) {
    ids = license.features.filter((f) => f.enabled).map((f) => f.feature_id);
    enabledByLicense.set(license, ids);
  }
  return ids;
}

/**
 * Is `feature` (and/or `min_tier`) allowed for the license, and — with `consume` — take that much quota
 * atomically. Denials are outcomes with the seed 002 codes, not errors.
 */
export async function checkEntitlement(
  ctx: AppContext,
  counters: QuotaCounters,
  license: LicenseWithPlan | undefined,
  input: CheckInput,
): Promise<CheckResult> {
  if (!license)
    return {
      allowed: false,
      code: 'LICENSE_MISSING',
      reason: 'No license matches',
      license_id: null,
      tier: null,
      tier_rank: null,
      feature: input.feature ?? null,
      limit: null,
      used: null,
      remaining: null,
      reset_at: null,
      features: [],
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
    features: enabledFeatures(license),
  };
  const feature = decision.feature;
  if (!decision.allowed || !feature || input.feature === undefined) return result;
  const limit = feature.limit_value ?? null;
  if (limit === null && !input.consume) return result;
  const period: Period = feature.period ?? 'total';
  const key = {
    accountId: license.account_id,
    licenseId: license.id,
    feature: input.feature,
    periodStart: periodStart(period, now),
    periodEnd: periodReset(period, now),
  };
  result.limit = limit;
  result.reset_at = key.periodEnd?.toISOString() ?? null;
  if (input.consume) {
    const { allowed, used } = await counters.consume(key, input.consume, limit);
    if (!allowed) {
      // Apps listening on the WebSocket hear it (license.limit_exceeded).
      void publishLicenseChanged(ctx, license.account_id, {
        license_id: license.id,
        event: 'license.limit_exceeded',
        feature: input.feature,
      } as never);
      return {
        ...result,
        allowed: false,
        code: 'USAGE_LIMIT_EXCEEDED',
        reason: `The ${period} quota of ${limit} for ${input.feature} is used up`,
        used,
        remaining: Math.max(0, (limit ?? 0) - used),
      };
    }
    return { ...result, used, remaining: limit === null ? null : limit - used };
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
