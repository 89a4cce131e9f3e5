import type { Queryable } from '../db/database.js';

/** A customer as the portal knows them: who they are and which account they buy from. */
export interface PortalCustomer {
  customer_id: string;
  account_id: string;
  email: string;
  name: string | null;
  company_name: string | null;
  account_name: string;
  account_slug: string;
}

const CUSTOMER_COLUMNS = (q: Queryable) => q`
  c.id as customer_id, c.account_id, c.email, c.company_name,
  nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as name,
  a.name as account_name, a.slug as account_slug`;

/** Active customers with this email, in every account (or the account `slug`). */
export function customersToSignIn(q: Queryable, email: string, slug?: string) {
  return q<PortalCustomer[]>`
    select ${CUSTOMER_COLUMNS(q)} from customers c join accounts a on a.id = c.account_id
    where lower(c.email) = lower(${email}) and c.status = 'active' ${slug ? q`and a.slug = ${slug}` : q``}
    limit 20`;
}

export async function insertLink(
  q: Queryable,
  l: { accountId: string; customerId: string; digest: string; expiresAt: Date },
) {
  await q`insert into customer_links (account_id, customer_id, token_digest, expires_at)
    values (${l.accountId}, ${l.customerId}, ${l.digest}, ${l.expiresAt})`;
}

/** Ends the customer's unused links (a new one replaces them; a used one ends the rest). */
export async function retireLinks(q: Queryable, customerId: string, at: Date) {
  await q`update customer_links set used_at = ${at} where customer_id = ${customerId} and used_at is null`;
}

/** The link with this digest, locked until the transaction ends (it works once), with its customer. */
export async function takeLink(q: Queryable, digest: string) {
  const [row] = await q<(PortalCustomer & { expires_at: Date; used_at: Date | null; status: string })[]>`
    select ${CUSTOMER_COLUMNS(q)}, l.expires_at, l.used_at, c.status
    from customer_links l join customers c on c.id = l.customer_id join accounts a on a.id = l.account_id
    where l.token_digest = ${digest} for update of l`;
  return row;
}

export async function insertSession(
  q: Queryable,
  s: { accountId: string; customerId: string; digest: string; expiresAt: Date; ip: string },
) {
  const [row] = await q<{ id: string }[]>`
    insert into customer_sessions (account_id, customer_id, token_digest, expires_at, ip)
    values (${s.accountId}, ${s.customerId}, ${s.digest}, ${s.expiresAt}, ${s.ip}) returning id`;
  return row!.id;
}

/** The live session with this digest and its customer, if the customer is still active. */
export async function findLiveSession(q: Queryable, digest: string, now: Date) {
  const [row] = await q<(PortalCustomer & { session_id: string })[]>`
    select s.id as session_id, ${CUSTOMER_COLUMNS(q)}
    from customer_sessions s join customers c on c.id = s.customer_id join accounts a on a.id = s.account_id
    where s.token_digest = ${digest} and s.ended_at is null and s.expires_at > ${now} and c.status = 'active'`;
  return row;
}

export async function endSession(q: Queryable, sessionId: string, at: Date) {
  await q`update customer_sessions set ended_at = ${at} where id = ${sessionId} and ended_at is null`;
}
