import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { ListOrdersFilters, OrderItemRow, OrderRow, OrderStatus } from './schemas.js';

const SORTABLE: Record<string, string> = {
  created_at: 'created_at',
  number: 'number',
  total_cents: 'total_cents',
  status: 'status',
};

/** The account's next order number (1001, 1002 …), taken under the counter's row lock. */
export async function nextOrderNumber(q: Queryable, accountId: string): Promise<number> {
  const [row] = await q<{ last_number: number }[]>`
    insert into order_counters (account_id, last_number) values (${accountId}, 1001)
    on conflict (account_id) do update set last_number = order_counters.last_number + 1
    returning last_number`;
  return row!.last_number;
}

export async function insertOrder(
  q: Queryable,
  o: Omit<
    OrderRow,
    | 'created_at'
    | 'updated_at'
    | 'submitted_at'
    | 'approved_at'
    | 'approved_by'
    | 'paid_at'
    | 'fulfilled_at'
    | 'cancelled_at'
    | 'refunded_at'
    | 'payment_provider'
    | 'payment_reference'
    | 'renews_subscription_id'
    | 'renews_period_end'
  >,
  /** An order paid already (a provider's checkout): approved and paid as it is inserted. */
  paid?: { at: Date; provider: string; reference: string },
) {
  const [row] = await q<OrderRow[]>`
    insert into orders (id, account_id, number, customer_id, status, currency, subtotal_cents, discount_cents,
      tax_cents, total_cents, requires_approval, notes, metadata, approved_at, paid_at, payment_provider,
      payment_reference)
    values (${o.id}, ${o.account_id}, ${o.number}, ${o.customer_id}, ${paid ? 'paid' : o.status}, ${o.currency},
      ${o.subtotal_cents}, ${o.discount_cents}, ${o.tax_cents}, ${o.total_cents}, ${o.requires_approval},
      ${o.notes}, ${q.json(o.metadata as never)}, ${paid?.at ?? null}, ${paid?.at ?? null},
      ${paid?.provider ?? null}, ${paid?.reference ?? null})
    returning *`;
  return row!;
}

export async function replaceItems(
  q: Queryable,
  accountId: string,
  orderId: string,
  items: Omit<OrderItemRow, 'id' | 'order_id' | 'subscription_id' | 'license_id'>[],
) {
  await q`delete from order_items where order_id = ${orderId}`;
  await insertItems(q, accountId, orderId, items);
}

/** The lines of a new order, as stored. */
export async function insertItems(
  q: Queryable,
  accountId: string,
  orderId: string,
  items: Omit<OrderItemRow, 'id' | 'order_id' | 'subscription_id' | 'license_id'>[],
): Promise<OrderItemRow[]> {
  if (items.length === 0) return [];
  const rows = await q<OrderItemRow[]>`insert into order_items ${q(
    items.map((i) => ({ ...i, account_id: accountId, order_id: orderId })) as never[],
  )} returning ${q.unsafe(ITEM_COLUMNS)}`;
  return [...rows].sort((a, b) => a.position - b.position);
}

/** `lock`: held until the transaction ends, so one change at a time decides what happens next. */
export async function findOrder(q: Queryable, accountId: string, id: string, lock = false) {
  const [row] = await q<OrderRow[]>`
    select * from orders where account_id = ${accountId} and id = ${id} ${lock ? q`for update` : q``}`;
  return row;
}

const ITEM_COLUMNS =
  'id, order_id, position, plan_id, billing_cycle, quantity, unit_amount_cents, amount_cents, description, subscription_id, license_id';

export function itemsOf(q: Queryable, orderIds: string[]) {
  return q<OrderItemRow[]>`
    select ${q.unsafe(ITEM_COLUMNS)}
    from order_items where order_id = any(${orderIds}::uuid[]) order by order_id, position`;
}

export async function updateOrder(q: Queryable, id: string, fields: Record<string, unknown>) {
  const values = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if ('metadata' in values) values.metadata = q.json(values.metadata as never);
  const [row] = await q<OrderRow[]>`
    update orders set ${q(values as Record<string, never>)}, updated_at = now() where id = ${id} returning *`;
  return row!;
}

export async function setStatus(
  q: Queryable,
  id: string,
  status: OrderStatus,
  stamp: string | undefined,
  extra: Record<string, unknown> = {},
) {
  return updateOrder(q, id, { status, ...(stamp ? { [stamp]: new Date() } : {}), ...extra });
}

export async function markItemFulfilled(
  q: Queryable,
  itemId: string,
  f: { subscriptionId: string | null; licenseId: string | null },
) {
  await q`update order_items set subscription_id = ${f.subscriptionId}, license_id = ${f.licenseId} where id = ${itemId}`;
}

export function listOrders(q: Queryable, accountId: string, f: ListOrdersFilters) {
  return q<OrderRow[]>`
    select * from orders where account_id = ${accountId}
      ${f.status ? q`and status = ${f.status}` : q``}
      ${f.customer_id ? q`and customer_id = ${f.customer_id}` : q``}
    ${orderBy(q, f.sort, SORTABLE, '-created_at', 'id')}
    limit ${f.limit + 1} offset ${f.offset}`;
}

/** The licenses an order issued (to suspend on refund). */
export function licensesOfOrder(q: Queryable, accountId: string, orderId: string) {
  return q<{ id: string; status: string }[]>`
    select id, status from licenses where account_id = ${accountId} and order_id = ${orderId}`;
}

export function plansIn(q: Queryable, accountId: string, ids: string[]) {
  return q<
    {
      id: string;
      code: string;
      name: string;
      currency: string;
      price_monthly_cents: number;
      price_yearly_cents: number;
      requires_approval: boolean;
      max_activations: number | null;
    }[]
  >`
    select id, code, name, currency, price_monthly_cents, price_yearly_cents, requires_approval, max_activations
    from plans where account_id = ${accountId} and id = any(${ids}::uuid[])`;
}

/** The order a provider's payment made (its checkout session), if it was recorded already. */
export async function findByPaymentReference(
  q: Queryable,
  accountId: string,
  provider: string,
  reference: string,
) {
  const [row] = await q<OrderRow[]>`
    select * from orders where account_id = ${accountId} and payment_provider = ${provider}
      and payment_reference = ${reference}`;
  return row;
}

/**
 * Manually billed subscriptions that fell past due at the end of a period and have no renewal order for
 * it yet (a plan that extends itself, or Stripe's billing, renews without one).
 */
export function renewalsDue(q: Queryable, accountId: string | null, limit: number) {
  return q<
    {
      id: string;
      account_id: string;
      customer_id: string;
      plan_id: string;
      billing_cycle: 'monthly' | 'annual';
      quantity: number;
      price_cents: number;
      currency: string;
      current_period_end: Date;
    }[]
  >`
    select s.id, s.account_id, s.customer_id, s.plan_id, s.billing_cycle, s.quantity, s.price_cents, s.currency,
      s.current_period_end
    from subscriptions s join plans p on p.id = s.plan_id
    where s.status = 'past_due' and not p.auto_renew and s.current_period_end is not null
      and coalesce(s.external_ids->>'stripe_subscription', '') = ''
      ${accountId ? q`and s.account_id = ${accountId}` : q``}
      and not exists (select 1 from orders o
        where o.renews_subscription_id = s.id and o.renews_period_end = s.current_period_end)
    order by s.id limit ${limit}`;
}

/** Whether the subscription (locked until the transaction ends) still needs a renewal order for `periodEnd`. */
export async function lockForRenewal(q: Queryable, subscriptionId: string, periodEnd: Date) {
  const [row] = await q<{ due: boolean }[]>`
    select s.status = 'past_due' and s.current_period_end = ${periodEnd}
      and not exists (select 1 from orders o
        where o.renews_subscription_id = s.id and o.renews_period_end = ${periodEnd}) as due
    from subscriptions s where s.id = ${subscriptionId} for update`;
  return row?.due === true;
}

export async function markRenewal(q: Queryable, orderId: string, subscriptionId: string, periodEnd: Date) {
  await q`update orders set renews_subscription_id = ${subscriptionId}, renews_period_end = ${periodEnd}
    where id = ${orderId}`;
}
