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
    where ${limit === null} or ${amount} <= ${limit ?? 0}
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
