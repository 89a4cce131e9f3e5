import type { Queryable } from '../db/database.js';

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

/** Records an event once by its id; false when it was already recorded (Stripe sent it again). */
export async function recordStripeEvent(
  q: Queryable,
  e: {
    id: string;
    accountId: string | null;
    type: string;
    created: Date;
    livemode: boolean;
    payload: unknown;
  },
): Promise<boolean> {
  const rows = await q`
    insert into stripe_events (id, account_id, type, stripe_created_at, livemode, payload)
    values (${e.id}, ${e.accountId}, ${e.type}, ${e.created}, ${e.livemode}, ${q.json(e.payload as never)})
    on conflict (id) do nothing returning id`;
  return rows.length > 0;
}

/**
 * The account an event is for: the one its object names (`metadata.keyward_account_id`, set on what
 * Keyward creates at Stripe), else the deployment's first account; null when the named one is not here.
 */
export async function accountForEvent(q: Queryable, named: string | undefined): Promise<string | null> {
  const [row] = named
    ? await q<{ id: string }[]>`select id from accounts where id::text = ${named}`
    : await q<{ id: string }[]>`select id from accounts order by created_at, id limit 1`;
  return row?.id ?? null;
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

/** Records how applying went: final (applied, ignored, needs_attention) or due again at `retryAt`. */
export async function settleStripeEvent(
  q: Queryable,
  id: string,
  status: 'applied' | 'ignored' | 'needs_attention' | 'received',
  note: string | null,
  retryAt: Date | null,
) {
  await q`update stripe_events set status = ${status}, error = ${note},
    applied_at = ${status === 'applied' ? new Date() : null},
    next_attempt_at = coalesce(${retryAt}, next_attempt_at)
    where id = ${id}`;
}

/** Puts an event back to be applied now (staff's "retry" once they fixed what it needed). */
export async function requeueStripeEvent(q: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await q`update stripe_events set status = 'received', attempts = 0, next_attempt_at = now()
    where account_id = ${accountId} and id = ${id} and status in ('needs_attention', 'ignored') returning id`;
  return rows.length > 0;
}
