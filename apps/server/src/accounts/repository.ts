import type { Queryable } from '../db/database.js';

export async function insertAccount(q: Queryable, slug: string, name: string): Promise<string> {
  const [account] = await q<
    { id: string }[]
  >`insert into accounts (slug, name) values (${slug}, ${name}) returning id`;
  return account!.id;
}

/** The account's first user, its owner; without a password hash, invited (they choose one by link). */
export async function insertOwner(
  q: Queryable,
  accountId: string,
  email: string,
  passwordHash: string | null,
) {
  const [owner] = await q<{ id: string }[]>`
    insert into users (account_id, email, name, role, password_hash, status)
    values (${accountId}, ${email}, 'Owner', 'owner', ${passwordHash}, ${passwordHash ? 'active' : 'invited'})
    returning id`;
  return owner!.id;
}

export async function anyAccountExists(q: Queryable): Promise<boolean> {
  const [row] = await q`select id from accounts limit 1`;
  return row !== undefined;
}

export async function findAccountIdBySlug(q: Queryable, slug: string): Promise<string | undefined> {
  const [account] = await q<{ id: string }[]>`select id from accounts where slug = ${slug}`;
  return account?.id;
}

/**
 * The advisory lock (740211002) that lets one of several processes starting together create the first
 * account; held on one reserved connection (a session lock).
 */
export async function lockFirstAccount(q: Queryable): Promise<void> {
  await q`select pg_advisory_lock(740211002)`;
}

export async function unlockFirstAccount(q: Queryable): Promise<void> {
  await q`select pg_advisory_unlock(740211002)`;
}

/** `keyward create-admin`: the user with this email gets the role and password (created if new). */
export async function upsertStaffUser(
  q: Queryable,
  accountId: string,
  u: { email: string; role: string; passwordHash: string },
): Promise<void> {
  await q`
    insert into users (account_id, email, name, role, password_hash) values (${accountId}, ${u.email.toLowerCase()}, '', ${u.role}, ${u.passwordHash})
    on conflict (account_id, lower(email)) do update set password_hash = excluded.password_hash, role = excluded.role, status = 'active'`;
}

/** An account as the operator's list shows it. */
export interface AccountRow {
  id: string;
  slug: string;
  name: string;
  disabled_at: Date | null;
  created_at: Date;
  users: number;
  licenses: number;
}

const accountColumns = (q: Queryable) => q`
  a.id, a.slug, a.name, a.disabled_at, a.created_at,
  (select count(*)::int from users u where u.account_id = a.id) as users,
  (select count(*)::int from licenses l where l.account_id = a.id) as licenses`;

export function listAccounts(q: Queryable) {
  return q<AccountRow[]>`select ${accountColumns(q)} from accounts a order by a.created_at, a.id`;
}

export async function findAccount(q: Queryable, id: string): Promise<AccountRow | undefined> {
  const [row] = await q<AccountRow[]>`select ${accountColumns(q)} from accounts a where a.id = ${id}`;
  return row;
}

/**
 * The operator's account: the one created on first start (slug `default`), else the oldest. Its owners
 * manage the deployment's other accounts.
 */
export async function operatorAccountId(q: Queryable): Promise<string | undefined> {
  const [row] = await q<{ id: string }[]>`
    select id from accounts order by (slug = 'default') desc, created_at, id limit 1`;
  return row?.id;
}

export async function slugTaken(q: Queryable, slug: string): Promise<boolean> {
  const [row] = await q`select 1 from accounts where slug = ${slug}`;
  return row !== undefined;
}

/** Disables (at `at`) or enables (null) an account; false when there is no such account. */
export async function setAccountDisabled(q: Queryable, id: string, at: Date | null): Promise<boolean> {
  // Disabling twice keeps the first moment.
  const rows = await q`
    update accounts set disabled_at = ${at === null ? null : q`coalesce(disabled_at, ${at})`}, updated_at = now()
    where id = ${id} returning id`;
  return rows.length > 0;
}
