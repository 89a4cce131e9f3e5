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
