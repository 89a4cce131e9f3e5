import { api, unwrap } from '../../api/client';
import type { Action } from '../permissions';
import type { FulfilledOrder, Order, OrderStatus } from './types';

/** The staff actions of an order: the transitions of the server's state machine. */
export type OrderAction = 'submit' | 'approve' | 'pay' | 'fulfil' | 'cancel' | 'refund';

export interface OrderActionSpec {
  label: string;
  /** The statuses it starts from (the server's state machine decides anyway: 409 otherwise). */
  from: readonly OrderStatus[];
  permission: Action;
  tone?: 'primary' | 'danger';
  /** What the action does, in the dialog. */
  confirm: string;
  /** What the dialog asks for besides a confirmation. */
  input?: 'reason' | 'reference';
}

export const ORDER_ACTIONS: Record<OrderAction, OrderActionSpec> = {
  submit: {
    label: 'Submit',
    from: ['draft'],
    permission: 'orders:write',
    confirm:
      'The order can no longer be edited. It waits for an owner or admin when it needs approval; otherwise it is approved and ready for payment.',
  },
  approve: {
    label: 'Approve',
    from: ['pending_approval'],
    permission: 'orders:approve',
    confirm: 'The order is approved: a payment can be recorded for it.',
  },
  pay: {
    label: 'Record payment',
    from: ['approved'],
    permission: 'orders:write',
    input: 'reference',
    confirm:
      'The order is paid and fulfilled at once: each line issues a license (monthly and annual lines start a subscription billed by hand). The keys are shown once.',
  },
  fulfil: {
    label: 'Fulfil',
    from: ['paid'],
    permission: 'orders:write',
    confirm:
      'Each line issues its license (monthly and annual lines start a subscription billed by hand). The keys are shown once.',
  },
  cancel: {
    label: 'Cancel order',
    from: ['draft', 'pending_approval', 'approved'],
    permission: 'orders:write',
    tone: 'danger',
    input: 'reason',
    confirm: 'The order is cancelled: nothing is issued and it cannot be paid.',
  },
  refund: {
    label: 'Refund',
    from: ['paid', 'fulfilled'],
    permission: 'orders:approve',
    tone: 'danger',
    input: 'reason',
    confirm:
      'The order is marked refunded and the licenses it issued are suspended. Return the money in your payment system.',
  },
};

/** The actions the order's status allows and `can` permits, in button order. */
export function availableOrderActions(o: Order, can: (a: Action) => boolean): OrderAction[] {
  return (Object.keys(ORDER_ACTIONS) as OrderAction[]).filter(
    (a) => ORDER_ACTIONS[a].from.includes(o.status) && can(ORDER_ACTIONS[a].permission),
  );
}

/**
 * Sends an action. Paying and fulfilling answer with the keys of the licenses issued (this once); the
 * other actions with the order as it now is. 409 when its state refuses.
 */
export async function sendOrderAction(
  id: string,
  action: OrderAction,
  input: { reason?: string; reference?: string },
): Promise<FulfilledOrder> {
  const params = { path: { id } };
  switch (action) {
    case 'pay':
      return unwrap(
        api.POST('/api/v1/orders/{id}/pay', {
          params,
          body: input.reference ? { reference: input.reference } : {},
        }),
      );
    case 'fulfil':
      return unwrap(api.POST('/api/v1/orders/{id}/fulfil', { params }));
    default: {
      const body = input.reason ? { reason: input.reason } : {};
      const order = await unwrap(api.POST(`/api/v1/orders/{id}/${action}`, { params, body }));
      return { order, issued_licenses: [] };
    }
  }
}
