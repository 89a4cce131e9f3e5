import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type {
  ListDeliveriesFilters,
  ListEndpointsFilters,
  WebhookDeliveryRow,
  WebhookEndpointRow,
} from './schemas.js';

const BY_CREATION = { created_at: 'created_at' };

export function listEndpoints(q: Queryable, accountId: string, f: ListEndpointsFilters) {
  return q<WebhookEndpointRow[]>`
    select * from webhook_endpoints where account_id = ${accountId}
    ${orderBy(q, f.sort, BY_CREATION, '-created_at')} limit ${f.limit + 1} offset ${f.offset}`;
}

/** `lock`: for update (inside the transaction that changes it). */
export async function findEndpoint(q: Queryable, accountId: string, id: string, lock = false) {
  const [row] = await q<WebhookEndpointRow[]>`
    select * from webhook_endpoints where account_id = ${accountId} and id = ${id} ${lock ? q`for update` : q``}`;
  return row;
}

export async function setEndpointSecrets(
  q: Queryable,
  id: string,
  s: { secretEnc: string; previousEnc: string | null; previousExpiresAt: Date | null },
) {
  const [row] = await q<WebhookEndpointRow[]>`
    update webhook_endpoints set secret_enc = ${s.secretEnc}, previous_secret_enc = ${s.previousEnc},
      previous_secret_expires_at = ${s.previousExpiresAt}, updated_at = now()
    where id = ${id} returning *`;
  return row!;
}

export async function deleteEndpoint(q: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows =
    await q`delete from webhook_endpoints where account_id = ${accountId} and id = ${id} returning id`;
  return rows.length > 0;
}

export function listDeliveries(
  q: Queryable,
  accountId: string,
  endpointId: string,
  f: ListDeliveriesFilters,
) {
  return q<WebhookDeliveryRow[]>`
    select id, endpoint_id, event_id::text as event_id, event_type, status, attempts,
      case when status = 'pending' then next_attempt_at end as next_attempt_at, last_attempt_at,
      response_status, response_ms, response_body, error, delivered_at, created_at
    from webhook_deliveries where account_id = ${accountId} and endpoint_id = ${endpointId}
      ${f.status ? q`and status = ${f.status}` : q``}
    ${orderBy(q, f.sort, BY_CREATION, '-created_at')} limit ${f.limit + 1} offset ${f.offset}`;
}

/** Queues a delivery again, now (resend): its webhook-id stays, so a receiver can tell it is the same. */
export async function requeueDelivery(q: Queryable, accountId: string, endpointId: string, id: string) {
  const [row] = await q<{ id: string }[]>`
    update webhook_deliveries set status = 'pending', next_attempt_at = now(), error = null
    where account_id = ${accountId} and endpoint_id = ${endpointId} and id = ${id} returning id`;
  return row !== undefined;
}

/** A delivery claimed for sending, with what it takes to send it. */
export interface ClaimedDelivery {
  id: string;
  account_id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | null;
  event_id: string;
  type: string;
  created_at: Date;
  subject_type: string | null;
  subject_id: string | null;
  actor_type: string;
  actor_id: string | null;
  data: Record<string, unknown>;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints (rows other processes hold are skipped):
 * each is leased until `leaseUntil` — if this process dies, another claims it then — and its attempt
 * counted. Returns them with their endpoint and event.
 */
export function claimDueDeliveries(q: Queryable, now: Date, leaseUntil: Date, limit: number) {
  return q<ClaimedDelivery[]>`
    update webhook_deliveries d set next_attempt_at = ${leaseUntil}, attempts = d.attempts + 1,
      last_attempt_at = ${now}
    from (select w.id from webhook_deliveries w join webhook_endpoints e on e.id = w.endpoint_id and e.enabled
          where w.status = 'pending' and w.next_attempt_at <= ${now}
          order by w.next_attempt_at limit ${limit} for update of w skip locked) due,
      webhook_endpoints e, events ev
    where d.id = due.id and e.id = d.endpoint_id and ev.id = d.event_id
    returning d.id, d.account_id, d.endpoint_id, d.attempts, e.url, e.secret_enc, e.previous_secret_enc,
      e.previous_secret_expires_at, ev.id::text as event_id, ev.type, ev.created_at, ev.subject_type,
      ev.subject_id, ev.actor_type, ev.actor_id, ev.data`;
}

/** How one attempt went. `retryAt` null: no more attempts (delivered, or given up). */
export interface AttemptOutcome {
  id: string;
  endpoint_id: string;
  delivered: boolean;
  retry_at: Date | null;
  response_status: number | null;
  response_ms: number;
  response_body: string | null;
  error: string | null;
}

/** Writes a batch of outcomes in one statement. */
export async function recordOutcomes(q: Queryable, outcomes: AttemptOutcome[], now: Date) {
  await q`
    update webhook_deliveries d set
      status = case when o.delivered then 'delivered' when o.retry_at is null then 'failed' else 'pending' end,
      next_attempt_at = coalesce(o.retry_at, d.next_attempt_at),
      delivered_at = case when o.delivered then ${now}::timestamptz end,
      response_status = o.response_status, response_ms = o.response_ms, response_body = o.response_body,
      error = o.error
    from jsonb_to_recordset(${q.json(outcomes as never)}) as o(id uuid, delivered boolean, retry_at timestamptz,
      response_status int, response_ms int, response_body text, error text)
    where d.id = o.id`;
}

/** A success ends each endpoint's failure streak; a failure starts one where none runs. */
export async function updateFailureStreaks(q: Queryable, now: Date, ok: string[], failing: string[]) {
  if (ok.length)
    await q`update webhook_endpoints set failing_since = null
      where id = any(${ok}::uuid[]) and failing_since is not null`;
  if (failing.length)
    await q`update webhook_endpoints set failing_since = ${now}
      where id = any(${failing}::uuid[]) and failing_since is null`;
}

/**
 * Disables endpoints that answered 410 Gone, and those among `failing` whose streak began before
 * `streakBefore`; returns the ones disabled now.
 */
export function disableDeadEndpoints(
  q: Queryable,
  now: Date,
  gone: string[],
  failing: string[],
  streakBefore: Date,
) {
  return q<{ id: string; account_id: string; url: string; disabled_reason: string }[]>`
    update webhook_endpoints set enabled = false, disabled_at = ${now}, updated_at = now(),
      disabled_reason = case when id = any(${gone}::uuid[]) then 'The endpoint answered 410 Gone'
        else 'Every delivery failed for 5 days' end
    where enabled and (id = any(${gone}::uuid[]) or (id = any(${failing}::uuid[]) and failing_since < ${streakBefore}))
    returning id, account_id, url, disabled_reason`;
}

/** Deletes a batch of finished deliveries (delivered or given up) older than `before`: the log's retention. */
export async function pruneDeliveries(q: Queryable, before: Date, accountId: string | null, limit: number) {
  const rows = await q`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries where status <> 'pending' and created_at < ${before}
        and (${accountId}::uuid is null or account_id = ${accountId})
      limit ${limit})`;
  return rows.count;
}
