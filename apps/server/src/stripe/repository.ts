import { isUuid } from '../core/uuid.js';
import type { Queryable } from '../db/database.js';
import type { SubscriptionRow } from '../subscriptions/schemas.js';

export interface StripeEventRow {
  id: string;
  account_id: string | null;
  type: string;
  stripe_created_at: Date;
  livemode: boolean;
  status: 'received' | 'applied' | 'ignored' | 'needs_attention';
  attempts: number;
  error: string | null;
  received_at: Date;
  applied_at: Date | null;
}

const COLUMNS =
  'id, account_id, type, stripe_created_at, livemode, status, attempts, error, received_at, applied_at';

/** An event as Stripe's webhook delivered it, verified. */
export interface NewStripeEvent {
  id: string;
  /** The account its object names (`metadata.keyward_account_id`, set on what Keyward creates at Stripe). */
  namedAccount: string | undefined;
  type: string;
  created: Date;
  livemode: boolean;
  payload: unknown;
}

/** A newly recorded event; `leased`: to this process, which applies it now (no claim needed). */
export interface RecordedStripeEvent {
  accountId: string | null;
  leased: boolean;
}

/**
 * Records events once by their ids, in one statement; per event, null when it was already recorded
 * (Stripe sent it again, or it came twice in this batch). An event's account is the one its object
 * names, else the deployment's first account; none when the named one is not here. The first
 * `lease.count` events of the batch are recorded claimed already (one attempt, leased until
 * `lease.until`), for this process to apply them at once; the rest wait for a claim.
 */
export async function recordStripeEvents(
  q: Queryable,
  events: NewStripeEvent[],
  lease: { count: number; until: Date } = { count: 0, until: new Date(0) },
): Promise<(RecordedStripeEvent | null)[]> {
  // The first of each id in this batch is the one recorded; a repeat answers as a duplicate.
  const first = new Map<string, number>();
  events.forEach((e, i) => {
    if (!first.has(e.id)) first.set(e.id, i);
  });
  const rows = [...first.values()].map((i) => {
    const e = events[i]!;
    return {
      id: e.id,
      named: e.namedAccount ?? null,
      type: e.type,
      created: e.created.toISOString(),
      livemode: e.livemode,
      payload: e.payload,
      leased: i < lease.count,
    };
  });
  const inserted = await q<{ id: string; account_id: string | null }[]>`
    insert into stripe_events (id, account_id, type, stripe_created_at, livemode, payload, attempts, next_attempt_at)
    select e.id,
      (select a.id from accounts a where e.named is null or a.id::text = e.named order by a.created_at, a.id limit 1),
      e.type, e.created, e.livemode, e.payload,
      case when e.leased then 1 else 0 end,
      case when e.leased then ${lease.until}::timestamptz else now() end
    from jsonb_to_recordset(${q.json(rows as never)})
      as e(id text, named text, type text, created timestamptz, livemode boolean, payload jsonb, leased boolean)
    on conflict (id) do nothing returning id, account_id`;
  const recorded = new Map(inserted.map((r) => [r.id, r.account_id]));
  return events.map((e, i) =>
    recorded.has(e.id) && first.get(e.id) === i
      ? { accountId: recorded.get(e.id)!, leased: i < lease.count }
      : null,
  );
}

export function listStripeEvents(
  q: Queryable,
  accountId: string,
  f: { limit: number; offset: number; status?: string | undefined; type?: string | undefined },
) {
  return q<StripeEventRow[]>`
    select ${q.unsafe(COLUMNS)} from stripe_events where account_id = ${accountId}
      ${f.status ? q`and status = ${f.status}` : q``}
      ${f.type ? q`and type = ${f.type}` : q``}
    order by received_at desc, id limit ${f.limit + 1} offset ${f.offset}`;
}

export interface ClaimedStripeEvent {
  id: string;
  account_id: string | null;
  type: string;
  attempts: number;
  payload: import('stripe').Stripe.Event;
}

/** Claims up to `limit` events due to be applied, each leased until `leaseUntil`, its attempt counted. */
export function claimDueStripeEvents(q: Queryable, now: Date, leaseUntil: Date, limit: number) {
  // In the order Stripe made them: fewer retries when a subscription's events arrive together.
  return q<ClaimedStripeEvent[]>`
    update stripe_events set next_attempt_at = ${leaseUntil}, attempts = attempts + 1
    from (select id as due_id from stripe_events where status = 'received' and next_attempt_at <= ${now}
          order by stripe_created_at, id limit ${limit} for update skip locked) due
    where id = due.due_id
    returning id, account_id, type, attempts, payload`;
}

/** How applying an event went: final (applied, ignored, needs_attention) or due again at `retryAt`. */
export interface Settlement {
  id: string;
  status: 'applied' | 'ignored' | 'needs_attention' | 'received';
  note: string | null;
  retryAt: Date | null;
}

/** Records how applying went, for a batch of events in one statement. */
export async function settleStripeEvents(q: Queryable, settled: Settlement[]) {
  const rows = settled.map((e) => ({
    id: e.id,
    status: e.status,
    note: e.note,
    retry_at: e.retryAt?.toISOString() ?? null,
  }));
  await q`update stripe_events e set status = s.status, error = s.note,
      applied_at = case when s.status = 'applied' then now() end,
      next_attempt_at = coalesce(s.retry_at, e.next_attempt_at)
    from jsonb_to_recordset(${q.json(rows as never)}) as s(id text, status text, note text, retry_at timestamptz)
    where e.id = s.id`;
}

/** Puts an event back to be applied now (staff's "retry" once they fixed what it needed). */
export async function requeueStripeEvent(q: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await q`update stripe_events set status = 'received', attempts = 0, next_attempt_at = now()
    where account_id = ${accountId} and id = ${id} and status in ('needs_attention', 'ignored') returning id`;
  return rows.length > 0;
}

// What applying events and opening sessions read and write beside the event log.

/** The plan a Stripe price is mapped to, with the cycle it sells. */
export async function planForPrice(q: Queryable, accountId: string, priceId: string) {
  const [plan] = await q<{ id: string; cycle: 'monthly' | 'annual' }[]>`
    select id, case when stripe_price_monthly = ${priceId} then 'monthly' else 'annual' end as cycle
    from plans where account_id = ${accountId} and (stripe_price_monthly = ${priceId} or stripe_price_annual = ${priceId})`;
  return plan;
}

/** Keyward's subscription of a Stripe one, with its plan's Stripe prices. */
export type StripeSubscriptionRow = SubscriptionRow & {
  plan_stripe_monthly: string | null;
  plan_stripe_annual: string | null;
};

/**
 * Keyward's subscriptions for Stripe subscriptions, in one statement, answered in the order asked; each
 * with its plan's Stripe prices (a renewal on the same price needs no other lookup). The `?` condition is
 * the partial index's (subscriptions_stripe): without it the planner cannot use the index and reads
 * every subscription.
 */
export async function subscriptionsByStripeIds(
  q: Queryable,
  keys: { accountId: string; stripeId: string }[],
): Promise<(StripeSubscriptionRow | undefined)[]> {
  const rows = await q<(StripeSubscriptionRow & { asked: number })[]>`
    select k.asked::int as asked, s.*,
      p.stripe_price_monthly as plan_stripe_monthly, p.stripe_price_annual as plan_stripe_annual
    from unnest(${keys.map((k) => k.accountId)}::uuid[], ${keys.map((k) => k.stripeId)}::text[])
      with ordinality as k(account_id, stripe_id, asked)
    join subscriptions s on s.account_id = k.account_id and s.external_ids ? 'stripe_subscription'
      and s.external_ids->>'stripe_subscription' = k.stripe_id
    join plans p on p.account_id = s.account_id and p.id = s.plan_id`;
  const found = new Map(rows.map(({ asked, ...row }) => [asked - 1, row as StripeSubscriptionRow]));
  return keys.map((_, i) => found.get(i));
}

/** A plan as Checkout sells it: its Stripe price for the cycle, and whether the portal may sell it. */
export async function planForCheckout(
  q: Queryable,
  accountId: string,
  planId: string,
  cycle: 'monthly' | 'annual',
) {
  const [plan] = await q<
    { id: string; code: string; active: boolean; public: boolean; price: string | null }[]
  >`
    select id, code, active, public,
      case when ${cycle} = 'monthly' then stripe_price_monthly else stripe_price_annual end as price
    from plans where account_id = ${accountId} and id = ${planId}`;
  return plan;
}

/** A customer's email and Stripe id (null before their first Stripe payment). */
export async function customerForStripe(q: Queryable, accountId: string, customerId: string) {
  const [row] = await q<{ id: string; email: string; stripe: string | null }[]>`
    select id, email, external_ids->>'stripe_customer' as stripe from customers
    where account_id = ${accountId} and id = ${customerId}`;
  return row;
}

/**
 * The customer a Stripe customer is: the one Keyward named, the one linked, or the one with that email
 * (in that order of preference); linked to the Stripe id when found.
 */
export async function findAndLinkCustomer(
  q: Queryable,
  accountId: string,
  stripeCustomerId: string,
  hint: { keywardCustomerId?: string | undefined; email?: string | null | undefined },
) {
  // Three index lookups in the order of preference (one statement with ORs reads every customer).
  const named = isUuid(hint.keywardCustomerId) ? hint.keywardCustomerId : null;
  const [found] = await q<{ id: string }[]>`
    select id from (
      select id, 1 as preference from customers where account_id = ${accountId} and id = ${named}::uuid
      union all
      select id, 2 from customers where account_id = ${accountId} and external_ids ? 'stripe_customer'
        and external_ids->>'stripe_customer' = ${stripeCustomerId}
      union all
      select id, 3 from customers where account_id = ${accountId} and lower(email) = lower(${hint.email ?? null}::text)
    ) c order by preference limit 1`;
  if (found)
    await q`update customers set external_ids = external_ids || ${q.json({ stripe_customer: stripeCustomerId })}
      where id = ${found.id} and external_ids->>'stripe_customer' is distinct from ${stripeCustomerId}`;
  return found?.id;
}

/** What a refunded or disputed payment bought: its checkout's order, and live Stripe subscriptions. */
export async function purchasesOfPayment(
  q: Queryable,
  accountId: string,
  paymentIntent: string | null,
  stripeCustomer: string | null,
) {
  const [order] = paymentIntent
    ? await q<{ id: string; number: number }[]>`
        select id, number from orders where account_id = ${accountId} and payment_provider = 'stripe'
          and metadata->>'stripe_payment_intent' = ${paymentIntent}`
    : [];
  const subscriptions = await q<{ id: string }[]>`
    select s.id from subscriptions s join customers c on c.id = s.customer_id
    where s.account_id = ${accountId} and c.external_ids ? 'stripe_customer'
      and c.external_ids->>'stripe_customer' = ${stripeCustomer ?? ''}
      and s.external_ids ? 'stripe_subscription' and s.status in ('trialing', 'active', 'past_due')
      ${order ? q`and s.metadata->>'order_id' = ${order.id}` : q``}`;
  const licenses = order
    ? await q<{ id: string }[]>`
        select id from licenses where account_id = ${accountId} and order_id = ${order.id}
          and status = 'active' and subscription_id is null`
    : [];
  return { order, subscriptions, licenses };
}

export async function accountBySlug(q: Queryable, slug: string) {
  const [row] = await q<{ id: string }[]>`select id from accounts where slug = ${slug}`;
  return row;
}
