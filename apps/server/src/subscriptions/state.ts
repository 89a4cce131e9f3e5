import { AppError } from '../core/errors.js';
import type { SubscriptionStatus } from './schemas.js';

/**
 * What can happen to a subscription. Staff (and, in issue L, payments) ask for most of these; the
 * lifecycle pass asks for `renew` (auto-renewing plans), `mark_past_due`, `suspend` and `expire` when
 * their time comes.
 */
export type SubscriptionAction =
  | 'renew'
  | 'mark_past_due'
  | 'suspend'
  | 'cancel'
  | 'cancel_at_period_end'
  | 'reactivate'
  | 'expire'
  | 'change';

/**
 * The subscription state machine, beside the license one (licenses/state.ts):
 *
 *   trialing ─renew─▶ active ─mark_past_due─▶ past_due ─(dunning ends)─▶ suspended
 *       │               ▲  ▲──────renew─────────┘  ▲──────────renew/reactivate──┘
 *       └─expire─▶ expired ◀─expire (period end, cancel pending)─┘
 *   cancel (now) from any live state ─▶ canceled ─reactivate─▶ active
 *
 * `cancel_at_period_end` and `change` keep the status. Each action lists where it may start and where
 * it leads; anything else is INVALID_STATE_TRANSITION (409).
 */
const TRANSITIONS: Record<
  SubscriptionAction,
  { from: readonly SubscriptionStatus[]; to: (from: SubscriptionStatus) => SubscriptionStatus }
> = {
  renew: { from: ['trialing', 'active', 'past_due', 'suspended'], to: () => 'active' },
  mark_past_due: { from: ['trialing', 'active'], to: () => 'past_due' },
  suspend: { from: ['trialing', 'active', 'past_due'], to: () => 'suspended' },
  cancel: { from: ['trialing', 'active', 'past_due', 'suspended'], to: () => 'canceled' },
  cancel_at_period_end: { from: ['trialing', 'active', 'past_due'], to: (from) => from },
  reactivate: { from: ['active', 'suspended', 'canceled', 'expired'], to: () => 'active' },
  expire: { from: ['trialing', 'active', 'past_due'], to: () => 'expired' },
  change: { from: ['trialing', 'active', 'past_due', 'suspended'], to: (from) => from },
};

/** The status after `action`, or INVALID_STATE_TRANSITION naming the states it may start from. */
export function nextSubscriptionStatus(
  current: SubscriptionStatus,
  action: SubscriptionAction,
): SubscriptionStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) {
    throw new AppError(
      'INVALID_STATE_TRANSITION',
      `Cannot ${action.replaceAll('_', ' ')} a subscription that is ${current}`,
      { status: current, action, allowed_from: rule.from },
    );
  }
  return rule.to(current);
}

/** True for the states in which the customer has (or is about to have) paid-for service. */
export function isLive(status: SubscriptionStatus): boolean {
  return status === 'trialing' || status === 'active' || status === 'past_due';
}
