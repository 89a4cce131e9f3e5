import type { Queryable } from '../db/database.js';
import type { LicenseUserRow } from './schemas.js';

const COLUMNS = `u.id, u.license_id, u.user_ref as "user", u.name, u.created_at,
  (select count(*)::int from activations a where a.license_id = u.license_id and a.status = 'active'
     and lower(a.user_ref) = lower(u.user_ref)) as devices`;

export function listLicenseUsers(q: Queryable, accountId: string, licenseId: string) {
  return q<LicenseUserRow[]>`
    select ${q.unsafe(COLUMNS)} from license_users u
    where u.account_id = ${accountId} and u.license_id = ${licenseId} order by u.created_at, u.id`;
}

export async function countLicenseUsers(q: Queryable, licenseId: string): Promise<number> {
  const [row] = await q<
    { n: number }[]
  >`select count(*)::int as n from license_users where license_id = ${licenseId}`;
  return row!.n;
}

/** Inserts the user unless the license has them already (then: undefined). */
export async function insertLicenseUser(
  q: Queryable,
  accountId: string,
  licenseId: string,
  user: string,
  name: string | null,
): Promise<LicenseUserRow | undefined> {
  const [row] = await q<{ id: string }[]>`
    insert into license_users (account_id, license_id, user_ref, name)
    values (${accountId}, ${licenseId}, ${user}, ${name}) on conflict do nothing returning id`;
  if (!row) return undefined;
  const [created] = await q<
    LicenseUserRow[]
  >`select ${q.unsafe(COLUMNS)} from license_users u where u.id = ${row.id}`;
  return created;
}

export async function findLicenseUser(q: Queryable, accountId: string, licenseId: string, id: string) {
  const [row] = await q<LicenseUserRow[]>`
    select ${q.unsafe(COLUMNS)} from license_users u
    where u.account_id = ${accountId} and u.license_id = ${licenseId} and u.id = ${id}`;
  return row;
}

/** Removes the user and ends their live devices on the license; returns how many seats ended. */
export async function deleteLicenseUser(q: Queryable, row: LicenseUserRow, at: Date): Promise<number> {
  await q`delete from license_users where id = ${row.id}`;
  const ended = await q`
    update activations set status = 'deactivated', deactivated_at = ${at}, deactivation_reason = 'user_unassigned',
      updated_at = now()
    where license_id = ${row.license_id} and status = 'active' and lower(user_ref) = lower(${row.user})
    returning id`;
  return ended.length;
}
