/**
 * What one subscription contributes to MRR (docs/analytics.md#mrr): its recurring price × quantity,
 * normalised to a month, while it is paid for. Trials, free prices and ended, canceled or suspended
 * subscriptions contribute nothing; taxes and one-off charges are never part of a subscription's price.
 */

/** A subscription's state as its history (`subscription_changes`) records it. */
export interface SubscriptionState {
  subscription_id: string;
  customer_id: string;
  status: string;
  plan_id: string;
  billing_cycle: string;
  currency: string;
  price_cents: number;
  quantity: number;
}

/** The columns of a subscription its MRR depends on: its history keeps a row each time one changes. */
export const MRR_COLUMNS = [
  'status',
  'plan_id',
  'billing_cycle',
  'currency',
  'price_cents',
  'quantity',
] as const;

/** The statuses in which a subscription is paid for: past due still counts until dunning suspends it. */
const PAYING: ReadonlySet<string> = new Set(['active', 'past_due']);

/**
 * MRR in minor units. An annual price is divided by 12 and rounded half up once per subscription (on
 * price × quantity), so every total is a sum of whole minor units and equals the sum of its movements.
 */
export function monthlyCents(s: SubscriptionState): number {
  if (!PAYING.has(s.status)) return 0;
  const amount = s.price_cents * s.quantity;
  return s.billing_cycle === 'annual' ? Math.round(amount / 12) : amount;
}

/** The segments a chart may be filtered by; the key stored in `revenue_daily.segment`. */
export function segmentKey(planId: string | null, cycle: string | null): string {
  if (planId && cycle) return `plan:${planId}/cycle:${cycle}`;
  if (planId) return `plan:${planId}`;
  if (cycle) return `cycle:${cycle}`;
  return '';
}

export interface Segment {
  segment: string;
  currency: string;
  plan_id: string | null;
  billing_cycle: string | null;
}

/** Every segment a subscription in this state counts in: all, its plan, its cycle, its plan and cycle. */
export function segmentsOf(s: SubscriptionState): Segment[] {
  const { currency, plan_id: plan, billing_cycle: cycle } = s;
  return [
    { segment: segmentKey(null, null), currency, plan_id: null, billing_cycle: null },
    { segment: segmentKey(plan, null), currency, plan_id: plan, billing_cycle: null },
    { segment: segmentKey(null, cycle), currency, plan_id: null, billing_cycle: cycle },
    { segment: segmentKey(plan, cycle), currency, plan_id: plan, billing_cycle: cycle },
  ];
}
