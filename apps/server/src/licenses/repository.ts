import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { PlanRow } from '../plans/schemas.js';
import { effectivePolicy, type Policy, type PolicyOverrides } from '../policies/policy.js';
import type { LicenseStatus } from './state.js';

/** A license row as stored (the key itself is only in `key_enc`). */
export interface LicenseRow {
  id: string;
  account_id: string;
  key_enc: string;
  key_last4: string;
  product_id: string | null;
  plan_id: string;
  customer_id: string | null;
  subscription_id: string | null;
  order_id: string | null;
  license_type: string;
  license_model: string;
  status: LicenseStatus;
  status_reason: string | null;
  max_activations: number | null;
  features: Array<Record<string, unknown> & { feature_id: string; enabled: boolean }>;
  limits: Record<string, number | null>;
  restrictions: Array<{ type: string; values: string[]; operator: 'allow' | 'deny' }>;
  /** This license's overrides of its type's and model's policy defaults (copied from its plan at issue). */
  policy: PolicyOverrides;
  starts_at: Date;
  expires_at: Date | null;
  /** Length of a term that starts on first use; set (and expires_at null) until it starts. */
  term_days: number | null;
  maintenance_expires_at: Date | null;
  grace_period_days: number;
  trial_ends_at: Date | null;
  auto_renew: boolean;
  offline_file_ttl_days: number;
  metadata: Record<string, unknown>;
  version: number;
  revoked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type LicenseWithPlan = LicenseRow & {
  plan_code: string;
  plan_name: string;
  plan_rank: number;
  /** Ids of the enabled features, in order: derived once per loaded row (every answer carries them). */
  enabled_features: string[];
  /** The policy the license lives by (defaults + overrides): derived once per loaded row. */
  effective_policy: Policy;
};

/** Completes a loaded row with what is derived from it once. */
function withPolicy<T extends Omit<LicenseWithPlan, 'effective_policy'>>(row: T): T & LicenseWithPlan {
  const complete = row as T & LicenseWithPlan;
  complete.effective_policy = effectivePolicy(row.license_type, row.license_model, row.policy);
  return complete;
}

const COLUMNS = `l.id, l.account_id, l.key_enc, l.key_last4, l.product_id, l.plan_id, l.customer_id, l.subscription_id, l.order_id,
  l.license_type, l.license_model, l.status, l.status_reason, l.max_activations, l.features, l.limits, l.restrictions, l.policy,
  l.starts_at, l.expires_at, l.term_days, l.maintenance_expires_at, l.grace_period_days, l.trial_ends_at, l.auto_renew,
  l.offline_file_ttl_days, l.metadata, l.version, l.revoked_at, l.created_at, l.updated_at,
  p.code as plan_code, p.name as plan_name, p.rank as plan_rank,
  array(select f->>'feature_id' from jsonb_array_elements(l.features) with ordinality as e(f, i)
        where f->'enabled' = 'true'::jsonb order by i) as enabled_features`;

/** A customer's licenses with their product's name, newest first (the portal's list; at most 200). */
export async function licensesOfCustomer(q: Queryable, accountId: string, customerId: string) {
  const rows = await q<(LicenseWithPlan & { product_name: string | null; active_seats: number })[]>`
    select ${q.unsafe(COLUMNS)}, pr.name as product_name, l.active_seats
    from licenses l join plans p on p.id = l.plan_id left join products pr on pr.id = l.product_id
    where l.account_id = ${accountId} and l.customer_id = ${customerId}
    order by l.created_at desc, l.id desc limit 200`;
  return rows.map(withPolicy);
}

export async function findLicense(
  q: Queryable,
  accountId: string,
  id: string,
  lock = false,
): Promise<LicenseWithPlan | undefined> {
  const [row] = await q<LicenseWithPlan[]>`
    select ${q.unsafe(COLUMNS)} from licenses l join plans p on p.id = l.plan_id
    where l.account_id = ${accountId} and l.id = ${id} ${lock ? q`for update of l` : q``}`;
  return row && withPolicy(row);
}

/** The licenses a subscription owns, locked in id order (call inside the transaction that changes them). */
export async function lockSubscriptionLicenses(
  q: Queryable,
  accountId: string,
  subscriptionId: string,
): Promise<LicenseWithPlan[]> {
  const rows = await q<LicenseWithPlan[]>`
    select ${q.unsafe(COLUMNS)} from licenses l join plans p on p.id = l.plan_id
    where l.account_id = ${accountId} and l.subscription_id = ${subscriptionId}
    order by l.id for update of l`;
  return rows.map(withPolicy);
}

/** Looks a key up by its digest; the digest is unique across accounts, so the client API needs no account. */
export async function findLicenseByDigest(
  q: Queryable,
  digest: string,
): Promise<LicenseWithPlan | undefined> {
  const [row] = await q<LicenseWithPlan[]>`
    select ${q.unsafe(COLUMNS)} from licenses l join plans p on p.id = l.plan_id
    where l.key_digest = ${digest}`;
  return row && withPolicy(row);
}

export interface LicenseFilters {
  limit: number;
  offset: number;
  q?: string | undefined;
  sort?: string | undefined;
  status?: string | undefined;
  plan_id?: string | undefined;
  product_id?: string | undefined;
  customer_id?: string | undefined;
  subscription_id?: string | undefined;
  expires_before?: string | undefined;
  expires_after?: string | undefined;
}

const SORTABLE: Record<string, string> = {
  created_at: 'l.created_at',
  expires_at: 'l.expires_at',
  status: 'l.status',
};

/** `keyDigest` is set when `q` looks like a whole key: search then matches it exactly. */
export async function listLicenses(q: Queryable, accountId: string, f: LicenseFilters, keyDigest?: string) {
  const term = f.q?.trim();
  const search = !term
    ? q``
    : keyDigest
      ? q`and l.key_digest = ${keyDigest}`
      : q`and (l.key_last4 = ${term.toUpperCase().slice(-4)} or l.customer_id in (
          select id from customers c where c.account_id = ${accountId}
            and (c.email ilike ${`%${term}%`} or c.company_name ilike ${`%${term}%`})))`;
  const rows = await q<LicenseWithPlan[]>`
    select ${q.unsafe(COLUMNS)}, c.email as customer_email, c.company_name as customer_company
    from licenses l join plans p on p.id = l.plan_id left join customers c on c.id = l.customer_id
    where l.account_id = ${accountId}
      ${f.status ? q`and l.status = ${f.status}` : q``}
      ${f.plan_id ? q`and l.plan_id = ${f.plan_id}` : q``}
      ${f.product_id ? q`and l.product_id = ${f.product_id}` : q``}
      ${f.customer_id ? q`and l.customer_id = ${f.customer_id}` : q``}
      ${f.subscription_id ? q`and l.subscription_id = ${f.subscription_id}` : q``}
      ${f.expires_before ? q`and l.expires_at < ${f.expires_before}` : q``}
      ${f.expires_after ? q`and l.expires_at >= ${f.expires_after}` : q``}
      ${search}
    ${orderBy(q, f.sort, SORTABLE, '-created_at', 'l.id')}
    limit ${f.limit + 1} offset ${f.offset}`;
  return rows.map(withPolicy);
}

/** Active seats of a license (call with the license row locked to count safely). */
export async function countActiveSeats(q: Queryable, licenseId: string): Promise<number> {
  const [row] = await q<
    { n: number }[]
  >`select count(*)::int as n from activations where license_id = ${licenseId} and status = 'active'`;
  return row?.n ?? 0;
}

/** A new license row (the key only as digest, ciphertext and last four characters). */
export type NewLicense = Pick<
  LicenseRow,
  | 'id'
  | 'account_id'
  | 'key_enc'
  | 'key_last4'
  | 'product_id'
  | 'plan_id'
  | 'customer_id'
  | 'subscription_id'
  | 'order_id'
  | 'license_type'
  | 'license_model'
  | 'max_activations'
  | 'starts_at'
  | 'expires_at'
  | 'term_days'
  | 'grace_period_days'
  | 'trial_ends_at'
  | 'auto_renew'
  | 'offline_file_ttl_days'
> & {
  key_digest: string;
  status: string;
  features: unknown;
  limits: unknown;
  restrictions: unknown;
  policy: unknown;
  metadata: unknown;
};

export async function insertLicense(q: Queryable, l: NewLicense): Promise<void> {
  await q`
    insert into licenses (id, account_id, key_digest, key_enc, key_last4, product_id, plan_id, customer_id, subscription_id, order_id,
      license_type, license_model, status, max_activations, features, limits, restrictions, policy, starts_at, expires_at,
      term_days, grace_period_days, trial_ends_at, auto_renew, offline_file_ttl_days, metadata)
    values (${l.id}, ${l.account_id}, ${l.key_digest}, ${l.key_enc}, ${l.key_last4},
      ${l.product_id}, ${l.plan_id}, ${l.customer_id}, ${l.subscription_id}, ${l.order_id},
      ${l.license_type}, ${l.license_model}, ${l.status}, ${l.max_activations},
      ${q.json(l.features as never)}, ${q.json(l.limits as never)}, ${q.json(l.restrictions as never)},
      ${q.json(l.policy as never)}, ${l.starts_at}, ${l.expires_at}, ${l.term_days}, ${l.grace_period_days}, ${l.trial_ends_at}, ${l.auto_renew}, ${l.offline_file_ttl_days}, ${q.json(l.metadata as never)})
    `;
}

/** Every change bumps the version: activation re-checks it under the license lock (`keyward_take_seats`). */
export async function bumpLicenseVersion(q: Queryable, id: string): Promise<void> {
  await q`update licenses set version = version + 1, updated_at = now() where id = ${id}`;
}

export async function setLicenseStatus(
  q: Queryable,
  id: string,
  status: string,
  reason: string | null,
  revokedAt: Date | null,
): Promise<void> {
  await q`update licenses set status = ${status}, status_reason = ${reason}, revoked_at = ${revokedAt} where id = ${id}`;
}

/** Ends every live seat of the license (revocation, a new key); returns how many. */
export async function freeLicenseSeats(
  q: Queryable,
  id: string,
  reason: 'license_revoked' | 'key_regenerated',
): Promise<number> {
  const rows =
    await q`update activations set status = 'deactivated', deactivated_at = now(), deactivation_reason = ${reason}, updated_at = now()
    where license_id = ${id} and status = 'active' returning id`;
  return rows.length;
}

export async function setLicenseExpiry(
  q: Queryable,
  id: string,
  status: string,
  expiresAt: Date,
): Promise<void> {
  await q`update licenses set status = ${status}, expires_at = ${expiresAt}, status_reason = null where id = ${id}`;
}

/**
 * Sets a license's term as its subscription says: status (and why), expiry, and the type when a trial
 * converts (the trial's end stays as history). A new version in the same statement: clients reload it.
 */
export async function setLicenseTerm(
  q: Queryable,
  id: string,
  t: { status: string; statusReason: string | null; expiresAt: Date | null; licenseType?: string },
): Promise<void> {
  await q`update licenses set status = ${t.status}, status_reason = ${t.statusReason}, expires_at = ${t.expiresAt},
    term_days = null ${t.licenseType ? q`, license_type = ${t.licenseType}` : q``},
    version = version + 1, updated_at = now() where id = ${id}`;
}

/** A license's seat limit (a subscription's quantity multiplies its plan's). */
export async function setLicenseSeatLimit(q: Queryable, id: string, max: number | null): Promise<void> {
  await q`update licenses set max_activations = ${max} where id = ${id}`;
}

/**
 * Starts a term that waited for first use: expiry (and a trial's end) from `at`. Conditional, so of
 * several processes only one starts it; undefined when it had started already.
 */
export async function startLicenseTerm(q: Queryable, id: string, expiresAt: Date) {
  const [row] = await q<{ expires_at: Date }[]>`
    update licenses set expires_at = ${expiresAt}, term_days = null,
      trial_ends_at = case when license_type = 'trial' then ${expiresAt} else trial_ends_at end,
      version = version + 1, updated_at = now()
    where id = ${id} and term_days is not null returning expires_at`;
  return row?.expires_at;
}

export async function setLicenseCustomer(q: Queryable, id: string, customerId: string): Promise<void> {
  await q`update licenses set customer_id = ${customerId} where id = ${id}`;
}

export async function countLiveSeats(q: Queryable, id: string): Promise<number> {
  const [seats] = await q<
    { n: number }[]
  >`select count(*)::int as n from activations where license_id = ${id} and status = 'active'`;
  return seats!.n;
}

/** Moves a license to `plan`: features, limits, restrictions, policy and seats come from it; a trial stays a trial. */
export async function applyPlan(q: Queryable, id: string, plan: PlanRow): Promise<void> {
  await q`update licenses set plan_id = ${plan.id}, license_model = ${plan.license_model},
    license_type = case when license_type = 'trial' then license_type else ${plan.license_type} end,
    max_activations = ${plan.max_activations}, features = ${q.json(plan.features as never)},
    limits = ${q.json(plan.limits as never)}, restrictions = ${q.json(plan.restrictions as never)},
    policy = ${q.json(plan.policy as never)}, grace_period_days = ${plan.grace_period_days} where id = ${id}`;
}

export async function setLicenseKey(
  q: Queryable,
  id: string,
  k: { digest: string; enc: string; last4: string },
) {
  await q`update licenses set key_digest = ${k.digest}, key_enc = ${k.enc}, key_last4 = ${k.last4} where id = ${id}`;
}

/** The fields staff may edit directly (status, key, plan and dates have their own actions). */
export async function setLicenseFields(
  q: Queryable,
  id: string,
  f: {
    max_activations: number | null;
    features: unknown;
    limits: unknown;
    restrictions: unknown;
    policy: unknown;
    metadata: unknown;
    auto_renew: boolean;
    grace_period_days: number;
    maintenance_expires_at: string | Date | null;
    offline_file_ttl_days: number;
  },
): Promise<void> {
  await q`update licenses set
    max_activations = ${f.max_activations},
    features = ${q.json(f.features as never)},
    limits = ${q.json(f.limits as never)},
    restrictions = ${q.json(f.restrictions as never)},
    policy = ${q.json(f.policy as never)},
    metadata = ${q.json(f.metadata as never)},
    auto_renew = ${f.auto_renew},
    grace_period_days = ${f.grace_period_days},
    maintenance_expires_at = ${f.maintenance_expires_at},
    offline_file_ttl_days = ${f.offline_file_ttl_days}
    where id = ${id}`;
}

/** The license with its customer's email and company (what the list query joins). */
export async function withCustomerContact(
  q: Queryable,
  row: LicenseWithPlan,
): Promise<LicenseWithPlan & { customer_email: string | null; customer_company: string | null }> {
  if (!row.customer_id) return { ...row, customer_email: null, customer_company: null };
  const [c] = await q<{ email: string; company_name: string | null }[]>`
    select email, company_name from customers where account_id = ${row.account_id} and id = ${row.customer_id}`;
  return { ...row, customer_email: c?.email ?? null, customer_company: c?.company_name ?? null };
}
