import { AppError } from '../core/errors.js';
import type { OrderStatus } from './schemas.js';

export type OrderAction = 'edit' | 'submit' | 'approve' | 'pay' | 'fulfil' | 'cancel' | 'refund';

/**
 * The order state machine:
 *
 *   draft ─submit─▶ pending_approval ─approve─▶ approved ─pay─▶ paid ─fulfil─▶ fulfilled
 *     └──────submit (no approval needed)──────────▲                 │               │
 *   cancel from draft, pending_approval, approved ─▶ cancelled      └──refund───────┴─▶ refunded
 *
 * `edit` keeps a draft a draft. `submit` leads to pending_approval or approved (`needsApproval`).
 * Anything else is INVALID_STATE_TRANSITION (409), naming the states the action may start from.
 */
const FROM: Record<OrderAction, readonly OrderStatus[]> = {
  edit: ['draft'],
  submit: ['draft'],
  approve: ['pending_approval'],
  pay: ['approved'],
  fulfil: ['paid'],
  cancel: ['draft', 'pending_approval', 'approved'],
  refund: ['paid', 'fulfilled'],
};

const TO: Record<Exclude<OrderAction, 'submit'>, (from: OrderStatus) => OrderStatus> = {
  edit: (from) => from,
  approve: () => 'approved',
  pay: () => 'paid',
  fulfil: () => 'fulfilled',
  cancel: () => 'cancelled',
  refund: () => 'refunded',
};

/** The status after `action`, or INVALID_STATE_TRANSITION. */
export function nextOrderStatus(
  current: OrderStatus,
  action: OrderAction,
  needsApproval = false,
): OrderStatus {
  if (!FROM[action].includes(current)) {
    throw new AppError(
      'INVALID_STATE_TRANSITION',
      `Cannot ${action} an order that is ${current.replace('_', ' ')}`,
      {
        status: current,
        action,
        allowed_from: FROM[action],
      },
    );
  }
  if (action === 'submit') return needsApproval ? 'pending_approval' : 'approved';
  return TO[action](current);
}

/** The timestamp column each status stamps when an order reaches it. */
export const STAMP: Partial<Record<OrderStatus, string>> = {
  pending_approval: 'submitted_at',
  approved: 'approved_at',
  paid: 'paid_at',
  fulfilled: 'fulfilled_at',
  cancelled: 'cancelled_at',
  refunded: 'refunded_at',
};
