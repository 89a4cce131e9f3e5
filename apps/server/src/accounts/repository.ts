import type { Queryable } from '../db/database.js';

export async function insertAccount(q: Queryable, slug: string, name: string): Promise<string> {
  const [account] = await q<
    { id: string }[]
  >`insert into accounts (slug, name) values (${slug}, ${name}) returning id`;
  return account!.id;
}

/** The account's first user, its owner. */
export async function insertOwner(q: Queryable, accountId: string, email: string, passwordHash: string) {
  const [owner] = await q<{ id: string }[]>`
    insert into users (account_id, email, name, role, password_hash)
    values (${accountId}, ${email}, 'Owner', 'owner', ${passwordHash}) returning id`;
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
