import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { DefaultTier, PlanRow } from './schemas.js';

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

/** The default product of a new account (the default plans belong to it). */
export async function insertDefaultProduct(q: Queryable, accountId: string): Promise<string> {
  const [product] = await q<{ id: string }[]>`
    insert into products (account_id, code, name, version, description)
    values (${accountId}, 'app', 'App', '1.0', 'Your licensed application') returning id`;
  return product!.id;
}

/** One default plan of a new account. */
export async function insertDefaultPlan(
  q: Queryable,
  accountId: string,
  productId: string,
  t: DefaultTier,
): Promise<string> {
  const [plan] = await q<{ id: string }[]>`
    insert into plans (account_id, product_id, code, name, rank, license_type, license_model, duration_days, max_activations,
      features, limits, price_monthly_cents, price_yearly_cents, trial_allowed, trial_days, grace_period_days, popular)
    values (${accountId}, ${productId}, ${t.code}, ${t.name}, ${t.rank}, ${t.code === 'free' ? 'perpetual' : 'subscription'},
      'per_device', ${t.code === 'free' ? null : 365}, ${t.max_activations}, ${q.json(t.features as never)}, ${q.json(t.limits as never)},
      ${t.price_monthly_cents}, ${t.price_yearly_cents}, ${t.trial_days > 0}, ${t.trial_days}, 7, ${t.popular}) returning id`;
  return plan!.id;
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
