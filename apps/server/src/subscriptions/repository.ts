import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { ListSubscriptionsFilters, SubscriptionRow, SubscriptionStatus } from './schemas.js';

const SORTABLE: Record<string, string> = {
  created_at: 'created_at',
  current_period_end: 'current_period_end',
  status: 'status',
};

export async function listSubscriptions(q: Queryable, accountId: string, f: ListSubscriptionsFilters) {
  return q<SubscriptionRow[]>`
    select * from subscriptions where account_id = ${accountId}
      ${f.status ? q`and status = ${f.status}` : q``}
      ${f.customer_id ? q`and customer_id = ${f.customer_id}` : q``}
      ${f.plan_id ? q`and plan_id = ${f.plan_id}` : q``}
    ${orderBy(q, f.sort, SORTABLE, '-created_at')}
    limit ${f.limit + 1} offset ${f.offset}`;
}

/** `lock` takes the row for update (call inside the transaction that changes it). */
export async function findSubscription(
  q: Queryable,
  accountId: string,
  id: string,
  lock = false,
): Promise<SubscriptionRow | undefined> {
  const [row] = await q<SubscriptionRow[]>`
    select * from subscriptions where account_id = ${accountId} and id = ${id} ${lock ? q`for update` : q``}`;
  return row;
}

export async function setCancellation(
  q: Queryable,
  accountId: string,
  id: string,
  c: { atPeriodEnd: boolean; canceledAt: Date; status: SubscriptionStatus },
): Promise<SubscriptionRow | undefined> {
  const [row] = await q<SubscriptionRow[]>`
    update subscriptions set
      cancel_at_period_end = ${c.atPeriodEnd}, canceled_at = ${c.canceledAt}, status = ${c.status}, updated_at = now()
    where account_id = ${accountId} and id = ${id} returning *`;
  return row;
}
