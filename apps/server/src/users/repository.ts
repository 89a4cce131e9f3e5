import type { Role } from '../auth/permissions.js';
import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';

const COLUMNS = 'id, account_id, email, name, role, status, last_login_at, created_at, updated_at';

export interface UserRow {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: Role;
  status: string;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const SORT_COLUMNS: Record<string, string> = {
  email: 'email',
  created_at: 'created_at',
  role: 'role',
  name: 'name',
};

export async function listUsers(
  q: Queryable,
  accountId: string,
  opts: {
    limit: number;
    offset: number;
    q?: string | undefined;
    sort?: string | undefined;
    role?: string | undefined;
  },
) {
  return q<UserRow[]>`
    select ${q.unsafe(COLUMNS)} from users
    where account_id = ${accountId}
      ${opts.q ? q`and (email ilike ${`%${opts.q}%`} or name ilike ${`%${opts.q}%`})` : q``}
      ${opts.role ? q`and role = ${opts.role}` : q``}
    ${orderBy(q, opts.sort, SORT_COLUMNS, '-created_at')}
    limit ${opts.limit + 1} offset ${opts.offset}`;
}

export async function findUser(q: Queryable, accountId: string, id: string): Promise<UserRow | undefined> {
  const [row] = await q<
    UserRow[]
  >`select ${q.unsafe(COLUMNS)} from users where account_id = ${accountId} and id = ${id}`;
  return row;
}

export async function insertUser(
  q: Queryable,
  accountId: string,
  u: { email: string; name: string; role: string; passwordHash: string | null },
): Promise<UserRow> {
  // No password: invited, until they choose one with their emailed link.
  const [row] = await q<UserRow[]>`
    insert into users (account_id, email, name, role, password_hash, status)
    values (${accountId}, ${u.email.toLowerCase()}, ${u.name}, ${u.role}, ${u.passwordHash},
      ${u.passwordHash ? 'active' : 'invited'})
    returning ${q.unsafe(COLUMNS)}`;
  return row!;
}

export async function updateUser(
  q: Queryable,
  accountId: string,
  id: string,
  patch: {
    name?: string | undefined;
    role?: string | undefined;
    status?: string | undefined;
    passwordHash?: string | undefined;
  },
): Promise<UserRow | undefined> {
  const [row] = await q<UserRow[]>`
    update users set
      name = coalesce(${patch.name ?? null}, name),
      role = coalesce(${patch.role ?? null}, role),
      status = coalesce(${patch.status ?? null}, status),
      password_hash = coalesce(${patch.passwordHash ?? null}, password_hash),
      updated_at = now()
    where account_id = ${accountId} and id = ${id}
    returning ${q.unsafe(COLUMNS)}`;
  return row;
}

export async function deleteUser(q: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await q`delete from users where account_id = ${accountId} and id = ${id} returning id`;
  return rows.length > 0;
}

/** Active owners of the account other than `exceptId`: the last owner may not be demoted or removed. */
export async function countOtherOwners(q: Queryable, accountId: string, exceptId: string): Promise<number> {
  const [row] = await q<{ n: number }[]>`
    select count(*)::int as n from users
    where account_id = ${accountId} and role = 'owner' and status = 'active' and id <> ${exceptId}`;
  return row?.n ?? 0;
}

/** Whether the account has a user with this email (compared case-insensitively). */
export async function emailTaken(q: Queryable, accountId: string, email: string): Promise<boolean> {
  const [row] =
    await q`select 1 from users where account_id = ${accountId} and lower(email) = lower(${email})`;
  return row !== undefined;
}

/** Locks the account's owners, so two demotions at once cannot leave it with none. */
export async function lockOwners(q: Queryable, accountId: string): Promise<void> {
  await q`select id from users where account_id = ${accountId} and role = 'owner' for update`;
}
