import type { Queryable } from '../db/database.js';

/** One Idempotency-Key of one caller (a user or an API key) on a route. */
export interface IdempotencyClaim {
  accountId: string;
  caller: string;
  route: string;
  key: string;
}

/**
 * Claims the key for this request; false when the caller claimed it before and it has not expired (a
 * retry, or a reuse). An expired claim is taken over, as if it had never been made.
 */
export async function claimKey(
  q: Queryable,
  c: IdempotencyClaim,
  requestHash: string,
  now: Date,
  expiresAt: Date,
): Promise<boolean> {
  const claimed = await q`
    insert into idempotency_keys (account_id, caller, route, key, request_hash, created_at, expires_at)
    values (${c.accountId}, ${c.caller}, ${c.route}, ${c.key}, ${requestHash}, ${now}, ${expiresAt})
    on conflict (account_id, caller, route, key) do update
      set request_hash = excluded.request_hash, status = 'in_progress', response_status = null,
        response_sealed = null, created_at = excluded.created_at, expires_at = excluded.expires_at
      where idempotency_keys.expires_at <= ${now}
    returning key`;
  return claimed.length > 0;
}

/** The earlier request's hash and, once it completed, its sealed response. */
export async function findClaim(q: Queryable, c: IdempotencyClaim) {
  const [prior] = await q<
    { request_hash: string; status: string; response_status: number; response_sealed: string | null }[]
  >`
    select request_hash, status, response_status, response_sealed from idempotency_keys
    where account_id = ${c.accountId} and caller = ${c.caller} and route = ${c.route} and key = ${c.key}`;
  return prior;
}

/** Frees the key (the request failed with a 5xx: the client may retry it). */
export async function releaseKey(q: Queryable, c: IdempotencyClaim): Promise<void> {
  await q`
    delete from idempotency_keys
    where account_id = ${c.accountId} and caller = ${c.caller} and route = ${c.route} and key = ${c.key}`;
}

/** Keeps the response (sealed), which a retry with the same key gets back until the claim expires. */
export async function storeResponse(
  q: Queryable,
  c: IdempotencyClaim,
  status: number,
  sealed: string | null,
): Promise<void> {
  await q`
    update idempotency_keys set status = 'completed', response_status = ${status}, response_sealed = ${sealed}
    where account_id = ${c.accountId} and caller = ${c.caller} and route = ${c.route} and key = ${c.key}`;
}

/** Drops the claims whose window has closed; returns how many. */
export async function deleteExpiredClaims(q: Queryable, now: Date): Promise<number> {
  const gone = await q`delete from idempotency_keys where expires_at <= ${now}`;
  return gone.count;
}
