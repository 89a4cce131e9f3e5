import { licenseTiming } from '../licenses/evaluate.js';
import type { LicenseWithPlan } from '../licenses/repository.js';

/**
 * The license facts every client-API answer carries (seed 000 names first). `entitlements` (the full
 * feature objects) is included on request: activation and sync need it, the hot validate path does not.
 */
export function licenseFacts(license: LicenseWithPlan, now: Date, withEntitlements = true) {
  const timing = licenseTiming(license, now);
  // One object literal with a fixed shape: spreading several objects per request cost more than the
  // rest of validation on the hot path.
  return {
    license_id: license.id,
    subscription_tier: license.plan_code,
    tier_name: license.plan_name,
    tier_rank: license.plan_rank,
    expires_at: license.expires_at,
    grace_period_days: license.grace_period_days,
    features: license.enabled_features,
    limits: license.limits,
    max_activations: license.max_activations,
    tenant_id: license.customer_id ?? license.account_id,
    status: timing.status,
    days_remaining: timing.days_remaining,
    is_in_grace_period: timing.in_grace_period,
    grace_ends_at: timing.grace_ends_at,
    entitlements: withEntitlements ? license.features : undefined,
  };
}
