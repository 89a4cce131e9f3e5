import type { Queryable } from '../db/database.js';
import { DEMO_MARK, DEMO_PRODUCT, type DemoTier } from './demo-catalogue.js';

/** Holds the account row until the transaction ends, so two loads of the demo data run one after the other. */
export async function lockAccount(q: Queryable, accountId: string): Promise<void> {
  await q`select id from accounts where id = ${accountId} for update`;
}

/** The account's product and plans that carry one of the demo codes, the vendor's own included. */
export async function findDemoCodes(q: Queryable, accountId: string, planCodes: string[]) {
  const products = await q<{ id: string }[]>`
    select id from products where account_id = ${accountId} and code = ${DEMO_PRODUCT.code}`;
  const plans = await q<{ id: string; code: string; product_id: string | null; demo: boolean }[]>`
    select id, code, product_id, coalesce((metadata->>${DEMO_MARK})::boolean, false) as demo
    from plans where account_id = ${accountId} and code = any(${planCodes})`;
  return { product: products[0], plans };
}

export async function insertDemoProduct(q: Queryable, accountId: string): Promise<string> {
  const [product] = await q<{ id: string }[]>`
    insert into products (account_id, code, name, version, description)
    values (${accountId}, ${DEMO_PRODUCT.code}, ${DEMO_PRODUCT.name}, ${DEMO_PRODUCT.version}, ${DEMO_PRODUCT.description})
    returning id`;
  return product!.id;
}

export async function insertDemoPlan(
  q: Queryable,
  accountId: string,
  productId: string,
  t: DemoTier,
): Promise<string> {
  const [plan] = await q<{ id: string }[]>`
    insert into plans (account_id, product_id, code, name, rank, license_type, license_model, duration_days, max_activations,
      features, limits, price_monthly_cents, price_yearly_cents, trial_allowed, trial_days, grace_period_days, popular, metadata)
    values (${accountId}, ${productId}, ${t.code}, ${t.name}, ${t.rank}, ${t.code === 'free' ? 'perpetual' : 'subscription'},
      'per_device', ${t.code === 'free' ? null : 365}, ${t.max_activations}, ${q.json(t.features as never)}, ${q.json(t.limits as never)},
      ${t.price_monthly_cents}, ${t.price_yearly_cents}, ${t.trial_days > 0}, ${t.trial_days}, 7, ${t.popular},
      ${q.json({ [DEMO_MARK]: true })}) returning id`;
  return plan!.id;
}

/** What the first-run checklist reads: whether each kind of thing exists yet (archived ones ignored). */
export async function firstRunFacts(q: Queryable, accountId: string) {
  const [row] = await q<
    {
      has_product: boolean;
      has_plan: boolean;
      has_license: boolean;
      has_activation: boolean;
      has_api_key: boolean;
      demo_loaded: boolean;
    }[]
  >`
    select
      exists (select 1 from products where account_id = ${accountId} and archived_at is null) as has_product,
      exists (select 1 from plans where account_id = ${accountId} and archived_at is null) as has_plan,
      exists (select 1 from licenses where account_id = ${accountId}) as has_license,
      exists (select 1 from activations where account_id = ${accountId}) as has_activation,
      exists (select 1 from api_keys where account_id = ${accountId} and revoked_at is null) as has_api_key,
      exists (select 1 from plans where account_id = ${accountId} and metadata->>${DEMO_MARK} = 'true') as demo_loaded`;
  return row!;
}

/** The license to show in the integration snippets: the newest active one, else the newest. */
export async function findSnippetLicense(q: Queryable, accountId: string) {
  const [row] = await q<{ id: string; key_enc: string; plan_code: string; status: string }[]>`
    select l.id, l.key_enc, p.code as plan_code, l.status
    from licenses l join plans p on p.id = l.plan_id
    where l.account_id = ${accountId}
    order by (l.status = 'active') desc, l.created_at desc, l.id desc limit 1`;
  return row;
}
