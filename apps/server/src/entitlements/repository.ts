import type { Queryable } from '../db/database.js';

/**
 * Adds `amount` to the period's counter only if the total stays within `limit` (null = unlimited), in one
 * atomic statement: concurrent consumers on any number of processes can never push it past the quota.
 * Returns the new count, or null when the quota would be exceeded.
 */
export async function consumeQuota(
  q: Queryable,
  key: { accountId: string; licenseId: string; feature: string; periodStart: Date },
  amount: number,
  limit: number | null,
): Promise<number | null> {
  const within = limit === null ? q`` : q`where usage_counters.count + excluded.count <= ${limit}`;
  const [row] = await q<{ count: string }[]>`
    insert into usage_counters (account_id, license_id, feature, period_start, count)
    select ${key.accountId}, ${key.licenseId}, ${key.feature}, ${key.periodStart}, ${amount}
    where ${limit === null} or ${amount}::bigint <= ${limit ?? 0}::bigint
    on conflict (license_id, feature, period_start)
      do update set count = usage_counters.count + excluded.count, updated_at = now() ${within}
    returning count`;
  return row ? Number(row.count) : null;
}

export async function currentCount(
  q: Queryable,
  licenseId: string,
  feature: string,
  periodStart: Date,
): Promise<number> {
  const [row] = await q<{ count: string }[]>`
    select count from usage_counters where license_id = ${licenseId} and feature = ${feature} and period_start = ${periodStart}`;
  return row ? Number(row.count) : 0;
}

/** Per feature: the count in the current period start given, and the highest count of any period since `since`. */
export async function usageSummary(q: Queryable, licenseId: string, since: Date) {
  return q<{ feature: string; period_start: Date; count: string }[]>`
    select feature, period_start, count from usage_counters
    where license_id = ${licenseId} and (period_start >= ${since} or period_start = 'epoch'::timestamptz)`;
}

/**
 * Adds usage already accepted elsewhere (Redis decided the quota), one row per key, in one statement and
 * without a limit check. Rows are locked in key order so two processes flushing at once cannot deadlock;
 * rows of licenses deleted meanwhile are dropped (the join) instead of failing the batch.
 */
export async function addUsage(
  q: Queryable,
  rows: Array<{ licenseId: string; feature: string; periodStart: Date; delta: number }>,
): Promise<void> {
  await q`
    insert into usage_counters (account_id, license_id, feature, period_start, count)
    select l.account_id, v.license_id, v.feature, v.period_start, v.delta
    from unnest(${rows.map((r) => r.licenseId)}::uuid[], ${rows.map((r) => r.feature)}::text[],
                ${rows.map((r) => r.periodStart.toISOString())}::timestamptz[],
                ${rows.map((r) => String(r.delta))}::text[]::bigint[]) as v(license_id, feature, period_start, delta)
    join licenses l on l.id = v.license_id
    order by 2, 3, 4
    on conflict (license_id, feature, period_start)
      do update set count = usage_counters.count + excluded.count, updated_at = now()`;
}

/** A customer's best live license: highest tier, then latest expiry (entitlement checks by customer). */
export async function findBestLiveLicenseId(
  q: Queryable,
  accountId: string,
  customerId: string,
): Promise<string | undefined> {
  const [row] = await q<{ id: string }[]>`
    select l.id from licenses l join plans p on p.id = l.plan_id
    where l.account_id = ${accountId} and l.customer_id = ${customerId} and l.status = 'active'
    order by p.rank desc, l.expires_at desc nulls first limit 1`;
  return row?.id;
}

/** The rank of the account's plan `code` (min_tier given by name). */
export async function findPlanRank(
  q: Queryable,
  accountId: string,
  code: string,
): Promise<number | undefined> {
  const [plan] = await q<
    { rank: number }[]
  >`select rank from plans where account_id = ${accountId} and code = ${code}`;
  return plan?.rank;
}
