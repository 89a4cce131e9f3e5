import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { PlanRow } from './schemas.js';

export async function findPlan(q: Queryable, accountId: string, id: string): Promise<PlanRow | undefined> {
  const [row] = await q<PlanRow[]>`select * from plans where account_id = ${accountId} and id = ${id}`;
  return row;
}

const SORTABLE: Record<string, string> = {
  rank: 'rank',
  code: 'code',
  name: 'name',
  created_at: 'created_at',
  price_monthly_cents: 'price_monthly_cents',
};

export async function listPlans(
  q: Queryable,
  accountId: string,
  f: {
    limit: number;
    offset: number;
    q?: string | undefined;
    sort?: string | undefined;
    product_id?: string | undefined;
    active?: boolean | undefined;
    include_archived?: boolean | undefined;
  },
) {
  return q<PlanRow[]>`
    select * from plans where account_id = ${accountId}
      ${f.include_archived ? q`` : q`and archived_at is null`}
      ${f.product_id ? q`and product_id = ${f.product_id}` : q``}
      ${f.active !== undefined ? q`and active = ${f.active}` : q``}
      ${f.q ? q`and (code ilike ${`%${f.q}%`} or name ilike ${`%${f.q}%`})` : q``}
    ${orderBy(q, f.sort, SORTABLE, 'rank')}
    limit ${f.limit + 1} offset ${f.offset}`;
}

/** Public, active plans for the portal's pricing page, cheapest tier first. */
export async function listPublicPlans(q: Queryable, accountSlug: string) {
  return q<PlanRow[]>`
    select p.* from plans p join accounts a on a.id = p.account_id
    where a.slug = ${accountSlug} and p.active and p.public and p.archived_at is null
    order by p.rank, p.price_monthly_cents limit 50`;
}

/** Whether another plan of the account (not `exceptId`) already has `code`. */
export async function planCodeTaken(q: Queryable, accountId: string, code: string, exceptId?: string) {
  const [row] =
    await q`select 1 from plans where account_id = ${accountId} and code = ${code} ${exceptId ? q`and id <> ${exceptId}` : q``}`;
  return row !== undefined;
}

/** Archives a plan (a second archive keeps the first time); undefined when it is not the account's. */
export async function markPlanArchived(
  q: Queryable,
  accountId: string,
  id: string,
): Promise<PlanRow | undefined> {
  const [plan] = await q<
    PlanRow[]
  >`update plans set archived_at = coalesce(archived_at, now()), active = false, updated_at = now()
    where account_id = ${accountId} and id = ${id} returning *`;
  return plan;
}
