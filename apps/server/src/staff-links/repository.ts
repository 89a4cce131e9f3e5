import type { Queryable } from '../db/database.js';

export type LinkPurpose = 'invitation' | 'password_reset';

export interface LinkRow {
  id: string;
  account_id: string;
  user_id: string;
  purpose: LinkPurpose;
  expires_at: Date;
  used_at: Date | null;
  email: string;
  name: string;
  role: string;
  user_status: string;
  account_name: string;
}

export async function insertLink(
  q: Queryable,
  l: { accountId: string; userId: string; purpose: LinkPurpose; digest: string; expiresAt: Date },
) {
  await q`insert into user_links (account_id, user_id, purpose, token_digest, expires_at)
    values (${l.accountId}, ${l.userId}, ${l.purpose}, ${l.digest}, ${l.expiresAt})`;
}

/** Ends the user's unused links of this purpose (a new one replaces them; a used one ends the rest). */
export async function retireLinks(q: Queryable, userId: string, purpose: LinkPurpose, at: Date) {
  await q`update user_links set used_at = ${at}
    where user_id = ${userId} and purpose = ${purpose} and used_at is null`;
}

/** The link with this digest and its user; `lock` holds it until the transaction ends (it works once). */
export async function findLink(q: Queryable, digest: string, lock: boolean) {
  const [row] = await q<LinkRow[]>`
    select l.id, l.account_id, l.user_id, l.purpose, l.expires_at, l.used_at,
      u.email, u.name, u.role, u.status as user_status, a.name as account_name
    from user_links l join users u on u.id = l.user_id join accounts a on a.id = l.account_id
    where l.token_digest = ${digest} ${lock ? q`for update of l` : q``}`;
  return row;
}

/** Active staff users with this email, in every account (or the account `slug`). */
export function usersToReset(q: Queryable, email: string, slug?: string) {
  return q<{ id: string; account_id: string; email: string }[]>`
    select u.id, u.account_id, u.email from users u join accounts a on a.id = u.account_id
    where lower(u.email) = lower(${email}) and u.status = 'active' ${slug ? q`and a.slug = ${slug}` : q``}
    limit 20`;
}

export async function setPassword(q: Queryable, userId: string, passwordHash: string, name?: string) {
  await q`update users set password_hash = ${passwordHash}, status = 'active', updated_at = now()
    ${name ? q`, name = ${name}` : q``} where id = ${userId}`;
}
