import type { Role } from '../auth/permissions.js';
import type { Queryable } from '../db/database.js';

/** What the API shows of a key: never its secret or digest. */
const COLUMNS =
  'id, account_id, name, prefix, role, created_by, last_used_at, expires_at, revoked_at, created_at';

export interface ApiKeyView {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  role: string;
  created_by: string | null;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

export async function insertApiKey(
  q: Queryable,
  k: {
    accountId: string;
    name: string;
    prefix: string;
    digest: string;
    role: string;
    createdBy: string | null;
    /** The key this one was made with, if any. */
    createdByKey: string | null;
    expiresAt: Date | null;
  },
): Promise<ApiKeyView> {
  const [row] = await q<ApiKeyView[]>`
    insert into api_keys (account_id, name, prefix, secret_digest, role, created_by, created_by_key, expires_at)
    values (${k.accountId}, ${k.name}, ${k.prefix}, ${k.digest}, ${k.role}, ${k.createdBy}, ${k.createdByKey}, ${k.expiresAt})
    returning ${q.unsafe(COLUMNS)}`;
  return row!;
}

/** A page of the account's keys, newest first, with one look-ahead row. */
export function listApiKeyRows(
  q: Queryable,
  accountId: string,
  limit: number,
  offset: number,
  includeRevoked: boolean,
) {
  return q<ApiKeyView[]>`
    select ${q.unsafe(COLUMNS)} from api_keys
    where account_id = ${accountId} ${includeRevoked ? q`` : q`and revoked_at is null`}
    order by created_at desc, id desc limit ${limit + 1} offset ${offset}`;
}

export async function findApiKeyRow(
  q: Queryable,
  accountId: string,
  id: string,
): Promise<ApiKeyView | undefined> {
  const [row] = await q<
    ApiKeyView[]
  >`select ${q.unsafe(COLUMNS)} from api_keys where account_id = ${accountId} and id = ${id}`;
  return row;
}

/** Revokes a key (a second revoke keeps the first time). */
export async function markRevoked(
  q: Queryable,
  accountId: string,
  id: string,
): Promise<ApiKeyView | undefined> {
  const [row] = await q<ApiKeyView[]>`
    update api_keys set revoked_at = coalesce(revoked_at, now())
    where account_id = ${accountId} and id = ${id} returning ${q.unsafe(COLUMNS)}`;
  return row;
}

/** The account's unrevoked keys that a user created. */
export function activeKeysCreatedBy(q: Queryable, accountId: string, userId: string) {
  return q<{ id: string; role: Role }[]>`
    select id, role from api_keys where account_id = ${accountId} and created_by = ${userId} and revoked_at is null`;
}

/**
 * The unrevoked keys made with a key, and with those, down the line, oldest first: the order their
 * revocations are logged in (a join's order follows where rows sit, which changes as keys are used).
 */
export function activeKeysMadeWith(q: Queryable, accountId: string, keyId: string) {
  return q<{ id: string }[]>`
    with recursive made as (
      select id from api_keys where account_id = ${accountId} and created_by_key = ${keyId}
      union
      select k.id from api_keys k join made m on k.created_by_key = m.id
    )
    select k.id from api_keys k join made m on m.id = k.id where k.revoked_at is null
    order by k.created_at, k.id`;
}
