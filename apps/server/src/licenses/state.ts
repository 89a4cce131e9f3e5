import { AppError } from '../core/errors.js';

export type LicenseStatus = 'pending' | 'active' | 'suspended' | 'expired' | 'revoked';
export type LicenseAction = 'activate' | 'suspend' | 'reinstate' | 'revoke' | 'renew' | 'expire';

/**
 * The license state machine: pending → active → (suspended ⇄ active) → expired → (renew → active);
 * revoked is final. Each action lists the states it may start from and where it leads.
 */
const TRANSITIONS: Record<
  LicenseAction,
  { from: readonly LicenseStatus[]; to: (from: LicenseStatus) => LicenseStatus }
> = {
  activate: { from: ['pending'], to: () => 'active' },
  suspend: { from: ['active', 'pending'], to: () => 'suspended' },
  reinstate: { from: ['suspended'], to: () => 'active' },
  revoke: { from: ['pending', 'active', 'suspended', 'expired'], to: () => 'revoked' },
  // Renewing a suspended license extends it but leaves it suspended: reinstating is a separate decision.
  renew: {
    from: ['active', 'expired', 'suspended'],
    to: (from) => (from === 'suspended' ? 'suspended' : 'active'),
  },
  expire: { from: ['active'], to: () => 'expired' },
};

/** The status after `action`, or INVALID_STATE_TRANSITION (409) naming what is allowed. */
export function nextStatus(current: LicenseStatus, action: LicenseAction): LicenseStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) {
    throw new AppError('INVALID_STATE_TRANSITION', `Cannot ${action} a license that is ${current}`, {
      status: current,
      action,
      allowed_from: rule.from,
    });
  }
  return rule.to(current);
}
