/** A refusal, in the seed 002 shape: `{ success: false, error, error_code, details }`. */
export interface Denial {
  status: number;
  headers: Record<string, string>;
  body: { success: false; error: string; error_code: DenialCode; details?: Record<string, unknown> };
}

export type DenialCode =
  | 'LICENSE_MISSING'
  | 'LICENSE_INVALID'
  | 'FEATURE_NOT_LICENSED'
  | 'INSUFFICIENT_LICENSE_TIER'
  | 'USAGE_LIMIT_EXCEEDED'
  | 'LICENSE_SERVICE_UNAVAILABLE'
  | 'LICENSE_SERVICE_MISCONFIGURED';

/**
 * @example
 * licenseMissing() // 403 { success: false, error: 'License information not found', error_code: 'LICENSE_MISSING' }
 */
export function licenseMissing(): Denial {
  return {
    status: 403,
    headers: {},
    body: { success: false, error: 'License information not found', error_code: 'LICENSE_MISSING' },
  };
}

/** @example licenseInvalid({ code: 'LICENSE_SUSPENDED' }) */
export function licenseInvalid(details: Record<string, unknown>): Denial {
  return {
    status: 403,
    headers: {},
    body: { success: false, error: 'License validation failed', error_code: 'LICENSE_INVALID', details },
  };
}

/** @example featureNotLicensed('advanced_reporting', 'basic', '/license/upgrade/') */
export function featureNotLicensed(feature: string, currentTier: string | null, upgradeUrl: string): Denial {
  return {
    status: 403,
    headers: {},
    body: {
      success: false,
      error: `Feature "${feature}" not available in current license`,
      error_code: 'FEATURE_NOT_LICENSED',
      details: { required_feature: feature, current_tier: currentTier, upgrade_url: upgradeUrl },
    },
  };
}

/** @example insufficientTier('basic', 'professional', '/license/upgrade/') */
export function insufficientTier(
  currentTier: string | null,
  requiredTier: string | number,
  upgradeUrl: string,
): Denial {
  return {
    status: 403,
    headers: {},
    body: {
      success: false,
      error: `This endpoint requires ${requiredTier} tier or higher`,
      error_code: 'INSUFFICIENT_LICENSE_TIER',
      details: { current_tier: currentTier, required_tier: requiredTier, upgrade_url: upgradeUrl },
    },
  };
}

/** @example usageLimitExceeded('api_requests_per_hour', 1000, 1000, 120) // 429 with Retry-After: 120 */
export function usageLimitExceeded(
  limitType: string,
  currentUsage: number,
  limit: number,
  retryAfterSeconds: number,
): Denial {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    body: {
      success: false,
      error: 'License usage limit exceeded',
      error_code: 'USAGE_LIMIT_EXCEEDED',
      details: { limit_type: limitType, current_usage: currentUsage, limit },
    },
  };
}

/** Fail-closed answer when Keyward (or Redis) cannot be reached. */
export function serviceUnavailable(what: string): Denial {
  return {
    status: 503,
    headers: { 'retry-after': '5' },
    body: {
      success: false,
      error: `${what} is unreachable; try again shortly`,
      error_code: 'LICENSE_SERVICE_UNAVAILABLE',
    },
  };
}

/**
 * Keyward rejected the vendor's API key: a configuration error, refused in every fail mode (letting
 * requests through would make a typo in the key an open door).
 */
export function serviceMisconfigured(): Denial {
  return {
    status: 503,
    headers: {},
    body: {
      success: false,
      error: 'The license service is not configured correctly; the operator has been told',
      error_code: 'LICENSE_SERVICE_MISCONFIGURED',
    },
  };
}
