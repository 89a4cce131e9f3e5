import type { Queryable } from '../db/database.js';
import type { generateSigningKey, SigningKeyRow } from './keys.js';

export async function insertSigningKey(
  q: Queryable,
  accountId: string,
  key: ReturnType<typeof generateSigningKey>,
): Promise<SigningKeyRow> {
  const [row] = await q<SigningKeyRow[]>`
    insert into signing_keys (account_id, kid, alg, public_key_pem, public_jwk, private_key_enc)
    values (${accountId}, ${key.kid}, ${key.alg}, ${key.publicKeyPem}, ${q.json(key.publicJwk as never)}, ${key.privateKeyEnc})
    returning *`;
  return row!;
}

/** Inserts an account's first key unless another process just did (then: undefined). */
export async function insertFirstSigningKey(
  q: Queryable,
  accountId: string,
  key: ReturnType<typeof generateSigningKey>,
): Promise<SigningKeyRow | undefined> {
  const [row] = await q<SigningKeyRow[]>`
    insert into signing_keys (account_id, kid, alg, public_key_pem, public_jwk, private_key_enc)
    values (${accountId}, ${key.kid}, ${key.alg}, ${key.publicKeyPem}, ${q.json(key.publicJwk as never)}, ${key.privateKeyEnc})
    on conflict do nothing
    returning *`;
  return row;
}

export async function findActiveKey(q: Queryable, accountId: string): Promise<SigningKeyRow | undefined> {
  const [row] = await q<
    SigningKeyRow[]
  >`select * from signing_keys where account_id = ${accountId} and status = 'active' and product_id is null`;
  return row;
}

/** A product's active key (its token settings), if it has one. */
export async function findActiveProductKey(
  q: Queryable,
  accountId: string,
  productId: string,
): Promise<SigningKeyRow | undefined> {
  const [row] = await q<SigningKeyRow[]>`
    select * from signing_keys where account_id = ${accountId} and product_id = ${productId} and status = 'active'`;
  return row;
}

/** A new active key of a product, signing with its own issuer and audience. */
export async function insertProductKey(
  q: Queryable,
  accountId: string,
  productId: string,
  key: ReturnType<typeof generateSigningKey>,
  claims: { issuer: string | null; audience: string | null },
): Promise<SigningKeyRow> {
  const [row] = await q<SigningKeyRow[]>`
    insert into signing_keys (account_id, kid, alg, public_key_pem, public_jwk, private_key_enc, product_id, issuer, audience)
    values (${accountId}, ${key.kid}, ${key.alg}, ${key.publicKeyPem}, ${q.json(key.publicJwk as never)}, ${key.privateKeyEnc},
      ${productId}, ${claims.issuer}, ${claims.audience})
    returning *`;
  return row!;
}

export async function findKeyByKid(q: Queryable, kid: string): Promise<SigningKeyRow | undefined> {
  const [row] = await q<SigningKeyRow[]>`select * from signing_keys where kid = ${kid}`;
  return row;
}

/** Locks the account row: one rotation at a time per account. */
export async function lockAccountForRotation(q: Queryable, accountId: string): Promise<void> {
  await q`select id from accounts where id = ${accountId} for update`;
}

export async function markRetiring(
  q: Queryable,
  id: string,
  rotatedAt: Date,
  retireAfter: Date,
): Promise<void> {
  await q`update signing_keys set status = 'retiring', rotated_at = ${rotatedAt}, retire_after = ${retireAfter} where id = ${id}`;
}

export async function findKeyForUpdate(
  q: Queryable,
  accountId: string,
  id: string,
): Promise<SigningKeyRow | undefined> {
  const [row] = await q<
    SigningKeyRow[]
  >`select * from signing_keys where account_id = ${accountId} and id = ${id} for update`;
  return row;
}

export async function markRetired(q: Queryable, id: string, at: Date): Promise<SigningKeyRow> {
  const [row] = await q<
    SigningKeyRow[]
  >`update signing_keys set status = 'retired', retired_at = ${at} where id = ${id} returning *`;
  return row!;
}

/** Retires every key whose overlap has ended (all accounts: the hourly sweep). */
export function retireKeysPastOverlap(q: Queryable, now: Date) {
  return q<Pick<SigningKeyRow, 'id' | 'account_id' | 'kid' | 'retire_after'>[]>`
    update signing_keys set status = 'retired', retired_at = ${now}
    where status = 'retiring' and retire_after <= ${now}
    returning id, account_id, kid, retire_after`;
}

/** Public keys that verify at `now`: active, or retiring within their overlap. */
/** An account's keys that verify now, the account named by its id or its slug (none when unknown). */
export function verifyingPublicKeys(q: Queryable, account: string, now: Date) {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(account);
  return q<Pick<SigningKeyRow, 'public_jwk'>[]>`
    select k.public_jwk from signing_keys k join accounts a on a.id = k.account_id
    where ${byId ? q`a.id = ${account}` : q`a.slug = ${account}`}
      and (k.status = 'active' or (k.status = 'retiring' and k.retire_after > ${now}))
    order by k.created_at`;
}

/** The account's keys, public parts only; a retiring key past its overlap shows as retired. */
export function listAccountKeys(q: Queryable, accountId: string, now: Date) {
  return q`
    select id, kid, alg, product_id, issuer, audience,
      case when status = 'retiring' and retire_after <= ${now} then 'retired' else status end as status,
      public_jwk, created_at, rotated_at, retire_after,
      case when status = 'retiring' and retire_after <= ${now} then retire_after else retired_at end as retired_at
    from signing_keys where account_id = ${accountId} order by created_at desc`;
}

/** The kid of the account's active key (the CLI names it when rotating). */
export async function findActiveKid(q: Queryable, accountId: string): Promise<string | undefined> {
  return (await findActiveKey(q, accountId))?.kid;
}
