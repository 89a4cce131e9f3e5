import type { Queryable } from '../db/database.js';
import type { ListProductsFilters, ProductRow } from './schemas.js';

/** Newest first (the list ignores `sort`, as it always has); archived ones only when asked for. */
export async function listProducts(q: Queryable, accountId: string, f: ListProductsFilters) {
  return q<ProductRow[]>`
    select * from products where account_id = ${accountId}
      ${f.include_archived ? q`` : q`and archived_at is null`}
      ${f.q ? q`and (code ilike ${`%${f.q}%`} or name ilike ${`%${f.q}%`})` : q``}
    order by created_at desc, id desc limit ${f.limit + 1} offset ${f.offset}`;
}

export async function findProduct(
  q: Queryable,
  accountId: string,
  id: string,
): Promise<ProductRow | undefined> {
  const [row] = await q<ProductRow[]>`select * from products where account_id = ${accountId} and id = ${id}`;
  return row;
}

export async function productCodeTaken(q: Queryable, accountId: string, code: string): Promise<boolean> {
  const [row] = await q`select 1 from products where account_id = ${accountId} and code = ${code}`;
  return Boolean(row);
}

/** Sets `archived_at` once (archiving again keeps the first date); undefined when not in the account. */
export async function archiveProduct(
  q: Queryable,
  accountId: string,
  id: string,
): Promise<ProductRow | undefined> {
  const [row] = await q<ProductRow[]>`
    update products set archived_at = coalesce(archived_at, now()), updated_at = now()
    where account_id = ${accountId} and id = ${id} returning *`;
  return row;
}
