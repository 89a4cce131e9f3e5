import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { licenseTiming } from './evaluate.js';
import { type LicenseAction, type LicenseStatus, nextStatus } from './state.js';

const STATUSES: LicenseStatus[] = ['pending', 'active', 'suspended', 'expired', 'revoked'];
const EXPECTED: Record<LicenseAction, Partial<Record<LicenseStatus, LicenseStatus>>> = {
  activate: { pending: 'active' },
  suspend: { active: 'suspended', pending: 'suspended' },
  reinstate: { suspended: 'active' },
  revoke: { pending: 'revoked', active: 'revoked', suspended: 'revoked', expired: 'revoked' },
  renew: { active: 'active', expired: 'active', suspended: 'suspended' },
  expire: { active: 'expired' },
};

describe('license state machine', () => {
  for (const [action, table] of Object.entries(EXPECTED) as [
    LicenseAction,
    Partial<Record<LicenseStatus, LicenseStatus>>,
  ][]) {
    for (const from of STATUSES) {
      const to = table[from];
      it(`${action} from ${from} → ${to ?? 'INVALID_STATE_TRANSITION'}`, () => {
        if (to) expect(nextStatus(from, action)).toBe(to);
        else {
          try {
            nextStatus(from, action);
            expect.unreachable();
          } catch (err) {
            expect(err).toBeInstanceOf(AppError);
            expect((err as AppError).code).toBe('INVALID_STATE_TRANSITION');
            expect((err as AppError).status).toBe(409);
          }
        }
      });
    }
  }
});

describe('license timing with a fixed clock', () => {
  const base = {
    status: 'active' as const,
    starts_at: new Date('2026-01-01T00:00:00Z'),
    expires_at: new Date('2026-02-01T00:00:00Z'),
    grace_period_days: 7,
    trial_ends_at: null,
  };
  it('counts days remaining before expiry', () => {
    const t = licenseTiming(base, new Date('2026-01-21T12:00:00Z'));
    expect(t).toMatchObject({ status: 'active', expired: false, in_grace_period: false, days_remaining: 10 });
  });
  it('is in grace after expiry until grace_period_days have passed', () => {
    const t = licenseTiming(base, new Date('2026-02-05T00:00:00Z'));
    expect(t).toMatchObject({ status: 'active', expired: true, in_grace_period: true, days_remaining: 0 });
    expect(t.grace_ends_at?.toISOString()).toBe('2026-02-08T00:00:00.000Z');
  });
  it('reads as expired after grace', () => {
    expect(licenseTiming(base, new Date('2026-02-08T00:00:01Z')).status).toBe('expired');
  });
  it('perpetual licenses never expire', () => {
    expect(licenseTiming({ ...base, expires_at: null }, new Date('2099-01-01T00:00:00Z'))).toMatchObject({
      status: 'active',
      days_remaining: null,
    });
  });
});
