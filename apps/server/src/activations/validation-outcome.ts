import { licenseTiming } from '../licenses/evaluate.js';
import type { LicenseWithPlan } from '../licenses/repository.js';
import { checkRestrictions, type Restriction } from '../restrictions/check.js';
import type { ActivationRow } from './repository.js';

/** Every answer validation can give. Invalid licenses are outcomes (HTTP 200), not errors. */
export const VALIDATION_CODES = [
  'VALID',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'DEVICE_MISMATCH',
  'LICENSE_NOT_FOUND',
  'DEVICE_NOT_ACTIVATED',
  'DEVICE_BLOCKED',
  'LICENSE_REVOKED',
  'LICENSE_SUSPENDED',
  'LICENSE_EXPIRED',
  'LICENSE_INACTIVE',
  'RESTRICTION_VIOLATION',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

export interface Outcome {
  valid: boolean;
  code: ValidationCode;
  reason: string;
}

const ok: Outcome = { valid: true, code: 'VALID', reason: 'The license is valid' };
const no = (code: ValidationCode, reason: string): Outcome => ({ valid: false, code, reason });

/**
 * Decides a validation with ordered early returns (device, license state, restrictions),
 * over plain data and an injected `now`.
 */
export function evaluateValidation(
  license: LicenseWithPlan,
  activation: ActivationRow | null,
  blocked: boolean,
  now: Date,
  caller: { ip?: string | null; country?: string | null },
): Outcome {
  if (activation && (blocked || activation.status === 'blocked'))
    return no('DEVICE_BLOCKED', 'This device is blocked');
  const timing = licenseTiming(license, now);
  if (timing.status === 'revoked') return no('LICENSE_REVOKED', 'The license has been revoked');
  if (timing.status === 'suspended')
    return no(
      'LICENSE_SUSPENDED',
      `The license is suspended${license.status_reason ? `: ${license.status_reason}` : ''}`,
    );
  if (timing.status === 'expired')
    return no('LICENSE_EXPIRED', 'The license has expired and its grace period is over');
  if (timing.status === 'pending' || license.starts_at > now)
    return no('LICENSE_INACTIVE', 'The license is not active yet');
  if (activation === null) return ok;
  if (activation.status !== 'active')
    return no('DEVICE_NOT_ACTIVATED', `This device's activation is ${activation.status}; activate again`);
  const violation = checkRestrictions(license.restrictions as Restriction[], {
    ip: caller.ip,
    country: caller.country,
    platform: activation.platform,
    app_version: activation.app_version,
    hostname: activation.hostname,
  });
  if (violation) return no('RESTRICTION_VIOLATION', violation.reason);
  return ok;
}

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
