import {
  type RequestFacts as CallerFacts,
  checkRestrictions,
  type Restriction,
} from '../restrictions/check.js';
import { licenseTiming } from './evaluate.js';
import type { LicenseWithPlan } from './repository.js';

/**
 * Every answer a license decision can give, in the order they are checked. The token-level ones are
 * decided by the caller that holds the token (they need the signature), before the license is read.
 * Invalid licenses are outcomes (HTTP 200 on validation), not errors; commands that must fail (activate,
 * offline activation) turn a refusal into an error with the same code.
 */
export const LICENSE_OUTCOMES = [
  'VALID',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'DEVICE_MISMATCH',
  'LICENSE_NOT_FOUND',
  'DEVICE_BLOCKED',
  'LICENSE_REVOKED',
  'LICENSE_SUSPENDED',
  'LICENSE_INACTIVE',
  'LICENSE_EXPIRED',
  'MAINTENANCE_EXPIRED',
  'DEVICE_NOT_ACTIVATED',
  'LEASE_EXPIRED',
  'RESTRICTION_VIOLATION',
] as const;
export type LicenseOutcome = (typeof LICENSE_OUTCOMES)[number];

export interface Decision {
  valid: boolean;
  code: LicenseOutcome;
  /** A sentence for the person reading the answer. */
  reason: string;
  /** Facts behind a refusal (the restriction broken, the maintenance date), for error details. */
  detail?: Record<string, unknown>;
}

/** The seat facts the decision reads (an `activations` row, or a seat snapshot). */
export interface SeatFacts {
  status: string;
  deactivation_reason?: string | null;
  platform: string | null;
  app_version: string | null;
  hostname: string | null;
  metadata: Record<string, unknown>;
}

/** What the caller says about itself and its build. Restrictions apply only when it is given. */
export interface RequestFacts extends CallerFacts {
  /** When the calling build was released (ISO date): maintenance expiry compares it. */
  build_date?: string | null | undefined;
}

export interface DecisionInput {
  license: LicenseWithPlan;
  /** The device's seat; null when the question is about the license alone (before activation, entitlements). */
  seat?: SeatFacts | null | undefined;
  /** The device or its fingerprint is on the account's block list. */
  blocked?: boolean | undefined;
  request?: RequestFacts | null | undefined;
  now: Date;
}

export const VALID: Decision = { valid: true, code: 'VALID', reason: 'The license is valid' };
const refuse = (code: LicenseOutcome, reason: string, detail?: Record<string, unknown>): Decision => ({
  valid: false,
  code,
  reason,
  ...(detail ? { detail } : {}),
});

/**
 * The license decision: one ordered chain over plain data and an injected `now`, for activate, validate,
 * validate-key, heartbeat, sync, offline activation, the entitlement check and the portal. Device first
 * (a blocked machine learns nothing more), then the license's state and dates as its policy reads them,
 * then the seat, then the restrictions on where and what the caller is.
 */
export function decideLicense({
  license,
  seat = null,
  blocked = false,
  request = null,
  now,
}: DecisionInput): Decision {
  if (blocked || seat?.status === 'blocked') return refuse('DEVICE_BLOCKED', 'This device is blocked');
  const timing = licenseTiming(license, now);
  if (timing.status === 'revoked') return refuse('LICENSE_REVOKED', 'This license has been revoked');
  if (timing.status === 'suspended')
    return refuse(
      'LICENSE_SUSPENDED',
      `This license is suspended${license.status_reason ? `: ${license.status_reason}` : ''}`,
    );
  if (timing.status === 'pending') return refuse('LICENSE_INACTIVE', 'This license is not active yet');
  if (license.starts_at > now)
    return refuse('LICENSE_INACTIVE', `This license starts on ${license.starts_at.toISOString()}`);
  const expiry = decideExpiry(license, timing.status === 'expired', request?.build_date ?? buildDateOf(seat));
  if (expiry) return expiry;
  if (seat && seat.status !== 'active')
    return seat.deactivation_reason === 'lease_expired'
      ? refuse(
          'LEASE_EXPIRED',
          "This device's floating seat was released after its lease lapsed; check out a seat again",
        )
      : refuse('DEVICE_NOT_ACTIVATED', `This device's activation is ${seat.status}; activate again`);
  if (request) {
    const violation = checkRestrictions(license.restrictions as Restriction[], {
      ip: request.ip,
      country: request.country,
      platform: seat?.platform ?? request.platform,
      app_version: seat?.app_version ?? request.app_version,
      hostname: seat?.hostname ?? request.hostname,
    });
    if (violation) return refuse('RESTRICTION_VIOLATION', violation.reason, { restriction: violation.type });
  }
  return VALID;
}

/**
 * What the license's expiry means for this build. `expired` is past expiry and grace (or expired by
 * staff). The maintenance window (`maintenance_expires_at`, else the expiry under `maintain_access`)
 * covers builds released up to its end.
 */
function decideExpiry(license: LicenseWithPlan, expired: boolean, buildDate: string | null): Decision | null {
  const strategy = license.effective_policy.expiration_strategy;
  const windowEnd =
    license.maintenance_expires_at ?? (strategy === 'maintain_access' && expired ? license.expires_at : null);
  if (windowEnd && (!buildDate || new Date(buildDate) > windowEnd)) {
    const end = windowEnd.toISOString().slice(0, 10);
    if (buildDate)
      return refuse('MAINTENANCE_EXPIRED', `This build was released after maintenance ended on ${end}`, {
        maintenance_ended_at: windowEnd.toISOString(),
        build_date: buildDate,
      });
    // A build that does not say when it was released is only covered while the license is current.
    if (expired)
      return refuse(
        'MAINTENANCE_EXPIRED',
        `Maintenance ended on ${end}; this build did not say its release date`,
        {
          maintenance_ended_at: windowEnd.toISOString(),
        },
      );
  }
  if (!expired || (strategy === 'maintain_access' && windowEnd)) return null;
  // allow_access: the term is informational, unless staff expired the license on purpose.
  if (strategy === 'allow_access' && license.status !== 'expired') return null;
  return refuse('LICENSE_EXPIRED', 'This license has expired and its grace period is over; renew it');
}

/** The build date a seat's app reported at activation (device_info.build_date, kept in its metadata). */
function buildDateOf(seat: SeatFacts | null): string | null {
  const date = seat?.metadata?.build_date;
  return typeof date === 'string' ? date : null;
}
