import type { LicenseStatus } from './state.js';

const DAY = 86_400_000;

/** The time-dependent facts about a license, computed from an injected `now`. */
export interface LicenseTiming {
  /** Effective status: a stored "active" past expiry + grace reads as "expired". */
  status: LicenseStatus;
  expired: boolean;
  in_grace_period: boolean;
  grace_ends_at: Date | null;
  days_remaining: number | null;
  trial_active: boolean;
}

export interface TimedLicense {
  status: LicenseStatus;
  starts_at: Date;
  expires_at: Date | null;
  grace_period_days: number;
  trial_ends_at: Date | null;
}

export function licenseTiming(l: TimedLicense, now: Date): LicenseTiming {
  const t = now.getTime();
  const expiresAt = l.expires_at?.getTime() ?? null;
  const expired = expiresAt !== null && t > expiresAt;
  const graceEnds = expiresAt !== null ? expiresAt + l.grace_period_days * DAY : null;
  const inGrace = expired && graceEnds !== null && t <= graceEnds;
  let status = l.status;
  if (status === 'active' && expired && !inGrace) status = 'expired';
  return {
    status,
    expired,
    in_grace_period: inGrace && (l.status === 'active' || l.status === 'expired'),
    grace_ends_at: graceEnds !== null ? new Date(graceEnds) : null,
    days_remaining: expiresAt === null ? null : Math.max(0, Math.floor((expiresAt - t) / DAY)),
    trial_active: l.trial_ends_at !== null && t <= l.trial_ends_at.getTime(),
  };
}
