import type { Queryable } from '../db/database.js';

/** One Idempotency-Key of an account on a route. */
export interface IdempotencyClaim {
  accountId: string;
  route: string;
  key: string;
}

/** Claims the key for this request; false when it was claimed before (a retry, or a reuse). */
export async function claimKey(q: Queryable, c: IdempotencyClaim, requestHash: string): Promise<boolean> {
  const claimed = await q`
    insert into idempotency_keys (account_id, key, route, request_hash) values (${c.accountId}, ${c.key}, ${c.route}, ${requestHash})
    on conflict do nothing returning key`;
  return claimed.length > 0;
}

/** The earlier request's hash and, once it completed, its response. */
export async function findClaim(q: Queryable, c: IdempotencyClaim) {
  const [prior] = await q<
    { request_hash: string; status: string; response_status: number; response_body: unknown }[]
  >`
    select request_hash, status, response_status, response_body from idempotency_keys
    where account_id = ${c.accountId} and route = ${c.route} and key = ${c.key}`;
  return prior;
}

/** Frees the key (the request failed with a 5xx: the client may retry it). */
export async function releaseKey(q: Queryable, c: IdempotencyClaim): Promise<void> {
  await q`delete from idempotency_keys where account_id = ${c.accountId} and route = ${c.route} and key = ${c.key}`;
}

/** Keeps the response, which a retry with the same key gets back. */
export async function storeResponse(
  q: Queryable,
  c: IdempotencyClaim,
  status: number,
  body: unknown,
): Promise<void> {
  await q`
    update idempotency_keys set status = 'completed', response_status = ${status}, response_body = ${q.json(body as never)}
    where account_id = ${c.accountId} and route = ${c.route} and key = ${c.key}`;
}
