import { decideLicense } from '../licenses/decision.js';
import type { LicenseWithPlan } from '../licenses/repository.js';

export type Period = 'hour' | 'day' | 'month' | 'total';

/** Outcome codes of an entitlement check (seed 002 names for denials). */
export type EntitlementCode =
  | 'ALLOWED'
  | 'LICENSE_MISSING'
  | 'LICENSE_INVALID'
  | 'FEATURE_NOT_LICENSED'
  | 'INSUFFICIENT_LICENSE_TIER'
  | 'USAGE_LIMIT_EXCEEDED';

/** Start of the quota period containing `now` (UTC). "total" never resets. */
export function periodStart(period: Period, now: Date): Date {
  const d = new Date(now);
  if (period === 'total') return new Date(0);
  d.setUTCMinutes(0, 0, 0);
  if (period === 'hour') return d;
  d.setUTCHours(0);
  if (period === 'day') return d;
  d.setUTCDate(1);
  return d;
}

/** When the counter of the period containing `now` resets; null for "total". */
export function periodReset(period: Period, now: Date): Date | null {
  const start = periodStart(period, now);
  if (period === 'total') return null;
  if (period === 'hour') return new Date(start.getTime() + 3_600_000);
  if (period === 'day') return new Date(start.getTime() + 86_400_000);
  const next = new Date(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return next;
}

/** Counters recorded under these names measure the seed 002 named limits; other limits count under their own name, in total. */
export const LIMIT_COUNTERS: Record<string, { feature: string; period: Period }> = {
  max_api_requests_per_hour: { feature: 'api_requests', period: 'hour' },
  max_users: { feature: 'active_users', period: 'total' },
  max_concurrent_connections: { feature: 'concurrent_connections', period: 'total' },
};

/** A named limit of the license (`limits`) checked like a metered feature: its counter, its period. */
export function limitAsFeature(license: LicenseWithPlan, name: string): FeatureGrant | null {
  if (!Object.hasOwn(license.limits, name)) return null;
  const counter = LIMIT_COUNTERS[name] ?? { feature: name, period: 'total' as const };
  return {
    feature_id: counter.feature,
    enabled: true,
    limit_value: license.limits[name] ?? null,
    period: counter.period,
  };
}

export interface FeatureGrant {
  feature_id: string;
  enabled: boolean;
  limit_value?: number | null;
  period?: Period;
  expires_at?: string | null;
}

export interface EntitlementDecision {
  allowed: boolean;
  code: EntitlementCode;
  reason: string;
  feature: FeatureGrant | null;
}

/**
 * Decides a check over plain data, ordered: the license decision → tier → feature present, enabled, unexpired.
 * Quota is decided afterwards by the atomic counter (it needs the database).
 */
export function decideEntitlement(
  license: LicenseWithPlan,
  now: Date,
  featureId?: string,
  minRank?: number,
): EntitlementDecision {
  // The license decision without a device: a server-to-server check has no seat and no caller to restrict.
  const licensed = decideLicense({ license, now });
  if (!licensed.valid)
    return { allowed: false, code: 'LICENSE_INVALID', reason: licensed.reason, feature: null };
  if (minRank !== undefined && license.plan_rank < minRank) {
    return {
      allowed: false,
      code: 'INSUFFICIENT_LICENSE_TIER',
      reason: `Requires tier rank ${minRank}; the license is ${license.plan_code}`,
      feature: null,
    };
  }
  if (featureId === undefined)
    return { allowed: true, code: 'ALLOWED', reason: 'The license is valid', feature: null };
  // A feature of the plan, or one of the license's named limits (max_api_requests_per_hour …).
  const feature =
    (license.features as unknown as FeatureGrant[]).find((f) => f.feature_id === featureId) ??
    limitAsFeature(license, featureId);
  if (!feature || !feature.enabled) {
    return {
      allowed: false,
      code: 'FEATURE_NOT_LICENSED',
      reason: `The ${license.plan_code} plan does not include ${featureId}`,
      feature,
    };
  }
  if (feature.expires_at && new Date(feature.expires_at) <= now) {
    return {
      allowed: false,
      code: 'FEATURE_NOT_LICENSED',
      reason: `${featureId} expired on ${feature.expires_at}`,
      feature,
    };
  }
  return { allowed: true, code: 'ALLOWED', reason: 'The feature is licensed', feature };
}
