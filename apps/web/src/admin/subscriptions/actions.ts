import { api, unwrap } from '../../api/client';
import type { Subscription } from '../../api/resources';

/** The staff actions of a subscription: the state machine's transitions and a plan or seat change. */
export type SubscriptionAction = 'renew' | 'past-due' | 'suspend' | 'cancel' | 'reactivate' | 'change';

export interface ActionSpec {
  label: string;
  /** Whether the subscription's state allows the action (the server's state machine decides anyway). */
  allowed: (s: Subscription) => boolean;
  tone?: 'primary' | 'danger';
  /** What the action does, in the dialog. */
  confirm: string;
  /** What the dialog asks for besides a confirmation (the server keeps a reason in the event). */
  input?: 'reason' | 'cancel' | 'plan';
}

const LIVE = ['trialing', 'active', 'past_due'];
const is =
  (...statuses: string[]) =>
  (s: Subscription) =>
    statuses.includes(s.status);

export const ACTIONS: Record<SubscriptionAction, ActionSpec> = {
  renew: {
    label: 'Record payment',
    allowed: is(...LIVE, 'suspended'),
    confirm:
      'A period was paid: the subscription moves to its next period and its licenses extend to its end. A trial converts to paid; a suspension for non-payment is lifted.',
  },
  'past-due': {
    label: 'Mark payment failed',
    allowed: is('trialing', 'active'),
    confirm:
      "The subscription becomes past due. Its licenses keep working for the plan's dunning window, then they are suspended unless a payment is recorded.",
  },
  suspend: {
    label: 'Suspend',
    allowed: is(...LIVE),
    tone: 'danger',
    confirm: 'The subscription and its licenses are suspended: devices stop validating until it is renewed.',
    input: 'reason',
  },
  change: {
    label: 'Change plan or seats',
    allowed: is(...LIVE, 'suspended'),
    confirm:
      "Its licenses move to the plan's features and limits, with the plan's seats × the quantity. A new plan also sets the price to the plan's.",
    input: 'plan',
  },
  cancel: {
    label: 'Cancel',
    allowed: is(...LIVE, 'suspended'),
    tone: 'danger',
    confirm:
      'At the end of the period: the licenses keep working until then and expire with it. Now: the licenses are suspended at once.',
    input: 'cancel',
  },
  reactivate: {
    label: 'Reactivate',
    allowed: (s) =>
      ['suspended', 'canceled', 'expired'].includes(s.status) ||
      (s.status === 'active' && s.cancel_at_period_end),
    confirm:
      'Undoes a pending cancellation, or brings the subscription back: its licenses work again (a new period starts if the old one is over).',
  },
};

/** The actions offered for the subscription as it is, in button order. */
export function availableActions(s: Subscription): SubscriptionAction[] {
  return (Object.keys(ACTIONS) as SubscriptionAction[]).filter((a) => ACTIONS[a].allowed(s));
}

/** Whether a cancellation at the end of the period is still possible (else only "now" is). */
export function canCancelAtPeriodEnd(s: Subscription): boolean {
  return LIVE.includes(s.status) && !s.cancel_at_period_end;
}

/** What the dialog sends besides the action itself. */
export interface ActionInput {
  reason?: string;
  atPeriodEnd?: boolean;
  planId?: string;
  quantity?: number;
}

/** Sends an action; the server answers with the subscription as it now is (409 when its state refuses). */
export function sendAction(
  id: string,
  action: SubscriptionAction,
  input: ActionInput,
): Promise<Subscription> {
  const path = { path: { id } };
  const reason = input.reason ? { reason: input.reason } : {};
  switch (action) {
    case 'change':
      return unwrap(
        api.PATCH('/api/v1/subscriptions/{id}', {
          params: path,
          body: {
            ...(input.planId ? { plan_id: input.planId } : {}),
            ...(input.quantity ? { quantity: input.quantity } : {}),
          },
        }),
      );
    case 'cancel':
      return unwrap(
        api.POST('/api/v1/subscriptions/{id}/cancel', {
          params: path,
          body: { at_period_end: input.atPeriodEnd ?? true, ...reason },
        }),
      );
    default:
      return unwrap(api.POST(`/api/v1/subscriptions/{id}/${action}`, { params: path, body: reason }));
  }
}
