import { MRR_COLUMNS } from '../analytics/revenue-mrr.js';
import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { PlanRow } from '../plans/schemas.js';
import type { ListSubscriptionsFilters, SubscriptionRow, SubscriptionStatus } from './schemas.js';

const SORTABLE: Record<string, string> = {
  created_at: 's.created_at',
  current_period_end: 's.current_period_end',
  status: 's.status',
};

export async function listSubscriptions(q: Queryable, accountId: string, f: ListSubscriptionsFilters) {
  // The customer's email and company ride along: a list shows who, without a call per row.
  return q<(SubscriptionRow & { customer_email: string; customer_company: string | null })[]>`
    select s.*, c.email as customer_email, c.company_name as customer_company
    from subscriptions s join customers c on c.id = s.customer_id
    where s.account_id = ${accountId}
      ${f.status ? q`and s.status = ${f.status}` : q``}
      ${f.customer_id ? q`and s.customer_id = ${f.customer_id}` : q``}
      ${f.plan_id ? q`and s.plan_id = ${f.plan_id}` : q``}
    ${orderBy(q, f.sort, SORTABLE, '-created_at', 's.id')}
    limit ${f.limit + 1} offset ${f.offset}`;
}

/**
 * `lock` takes the row (call inside the transaction that changes it). "No key update": licenses that
 * reference the subscription may still be inserted meanwhile.
 */
export async function findSubscription(
  q: Queryable,
  accountId: string,
  id: string,
  lock = false,
): Promise<SubscriptionRow | undefined> {
  const [row] = await q<SubscriptionRow[]>`
    select * from subscriptions where account_id = ${accountId} and id = ${id} ${lock ? q`for no key update` : q``}`;
  return row;
}

/** The plan a subscription is on (read after `findSubscription` locked it, in the same transaction). */
export async function planOfSubscription(q: Queryable, accountId: string, id: string) {
  const [row] = await q<PlanRow[]>`
    select p.* from plans p join subscriptions s on s.plan_id = p.id and s.account_id = p.account_id
    where s.account_id = ${accountId} and s.id = ${id}`;
  return row;
}

/** Subscriptions whose trial, period or dunning window ended by `now` (candidates, in id order after `after`: the pass re-checks each under its lock). */
export function dueSubscriptions(
  q: Queryable,
  now: Date,
  accountId: string | null,
  after: string | null,
  limit: number,
) {
  return q<{ id: string; account_id: string }[]>`
    select id, account_id from subscriptions
    where ((status = 'trialing' and trial_ends_at <= ${now})
        or (status = 'active' and current_period_end <= ${now})
        or (status = 'past_due' and dunning_ends_at <= ${now}))
      and (${accountId}::uuid is null or account_id = ${accountId})
      and (${after}::uuid is null or id > ${after})
    order by id limit ${limit}`;
}

/** Whether a change from `before` to `after` touches a column the history keeps. */
export function changesHistory(before: SubscriptionRow, after: SubscriptionRow): boolean {
  return MRR_COLUMNS.some((c) => before[c] !== after[c]);
}

/**
 * Appends the subscription's state to its history (`subscription_changes`, read by revenue analytics)
 * when something its MRR depends on differs from the last row written; `at` is the clock's time of the
 * change. Call it in the transaction that changed the row.
 */
export async function recordSubscriptionChange(q: Queryable, row: SubscriptionRow, at: Date) {
  await q`
    insert into subscription_changes (account_id, subscription_id, customer_id, at, status, plan_id,
                                      billing_cycle, currency, price_cents, quantity)
    select ${row.account_id}::uuid, ${row.id}::uuid, ${row.customer_id}::uuid, ${at}::timestamptz,
           ${row.status}::text, ${row.plan_id}::uuid, ${row.billing_cycle}::text, ${row.currency}::text,
           ${row.price_cents}::int, ${row.quantity}::int
    where not exists (
      select 1 from (
        select status, plan_id, billing_cycle, currency, price_cents, quantity from subscription_changes
        where account_id = ${row.account_id} and subscription_id = ${row.id} order by id desc limit 1
      ) last
      where last.status = ${row.status}::text and last.plan_id = ${row.plan_id}::uuid
        and last.billing_cycle = ${row.billing_cycle}::text and last.currency = ${row.currency}::text
        and last.price_cents = ${row.price_cents}::int and last.quantity = ${row.quantity}::int)`;
}
