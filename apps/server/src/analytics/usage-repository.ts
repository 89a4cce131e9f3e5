import type { Queryable } from '../db/database.js';
import type { UsageFilter } from './usage-schemas.js';

/**
 * The usage analytics' reads. Without a filter they come from the account's sums (usage_hourly) and
 * indexes led by account_id; with one (license, customer, plan, product) from the per-license sums
 * (usage_daily) or, for hours, the usage log, joined to the licenses the filter names.
 */

type Filter = Omit<UsageFilter, 'range'>;

export const isFiltered = (f: Filter) => Boolean(f.license_id || f.customer_id || f.plan_id || f.product_id);

/** The licenses (alias `l`) the filter names, within the account. */
function licenseScope(q: Queryable, accountId: string, f: Filter) {
  return q`l.account_id = ${accountId}
    ${f.license_id ? q`and l.id = ${f.license_id}` : q``}
    ${f.customer_id ? q`and l.customer_id = ${f.customer_id}` : q``}
    ${f.plan_id ? q`and l.plan_id = ${f.plan_id}` : q``}
    ${f.product_id ? q`and l.plan_id in (select id from plans where account_id = ${accountId} and product_id = ${f.product_id})` : q``}`;
}

export interface KindRow {
  at: Date;
  kind: string;
  total: number;
  failed: number;
}

/** Counts per bucket and kind since `since`. */
export function activity(
  q: Queryable,
  accountId: string,
  f: Filter,
  bucket: 'hour' | 'day',
  since: Date,
): Promise<KindRow[]> {
  if (!isFiltered(f))
    return q<KindRow[]>`
      select date_trunc(${bucket}, hour) as at, kind, sum(total)::float8 as total, sum(failed)::float8 as failed
      from usage_hourly where account_id = ${accountId} and hour >= date_trunc('hour', ${since}::timestamptz, 'UTC')
      group by 1, 2 order by 1`;
  if (bucket === 'hour')
    return q<KindRow[]>`
      select date_trunc('hour', e.at) as at, e.kind, sum(e.count)::float8 as total,
        sum(case when e.success then 0 else e.count end)::float8 as failed
      from usage_events e join licenses l on l.id = e.license_id
      where e.account_id = ${accountId} and e.at >= ${since} and ${licenseScope(q, accountId, f)}
      group by 1, 2 order by 1`;
  return q<KindRow[]>`
    select d.day::timestamptz as at, d.kind, sum(d.total)::float8 as total,
      sum(case when d.success then 0 else d.total end)::float8 as failed
    from usage_daily d join licenses l on l.id = d.license_id
    where d.account_id = ${accountId} and d.day >= ${since}::date and ${licenseScope(q, accountId, f)}
    group by 1, 2 order by 1`;
}

const CALL_KINDS = ['activation', 'validation', 'heartbeat', 'sync', 'deactivation'];

/** Client calls per hour of the day (UTC) since `since`. */
export function callsByHourOfDay(q: Queryable, accountId: string, f: Filter, since: Date) {
  if (!isFiltered(f))
    return q<{ hour: number; calls: number }[]>`
      select extract(hour from hour at time zone 'UTC')::int as hour, sum(total)::float8 as calls
      from usage_hourly where account_id = ${accountId} and hour >= date_trunc('hour', ${since}::timestamptz, 'UTC')
        and kind = any(${CALL_KINDS}) group by 1`;
  return q<{ hour: number; calls: number }[]>`
    select extract(hour from e.at at time zone 'UTC')::int as hour, sum(e.count)::float8 as calls
    from usage_events e join licenses l on l.id = e.license_id
    where e.account_id = ${accountId} and e.at >= ${since} and e.kind = any(${CALL_KINDS})
      and ${licenseScope(q, accountId, f)}
    group by 1`;
}

/**
 * Live seats that made any client call since `since`, to the hour (a seat keeps the hour of its last
 * validation or heartbeat, `seen_hour`, and its activation time; activations_last_seen, migration 0035).
 */
export async function activeDevices(q: Queryable, accountId: string, f: Filter, since: Date) {
  const [row] = await q<{ n: number }[]>`
    select count(*)::int as n from activations a
    ${isFiltered(f) ? q`join licenses l on l.id = a.license_id and ${licenseScope(q, accountId, f)}` : q``}
    where a.account_id = ${accountId} and a.status = 'active'
      and greatest(a.seen_hour, a.activated_at) >= date_trunc('hour', ${since}::timestamptz, 'UTC')`;
  return row!.n;
}

/** Active licenses per plan with the seats they hold and allow. */
export function plansInUse(q: Queryable, accountId: string, f: Filter) {
  return q<
    {
      plan_id: string;
      code: string;
      name: string;
      product_id: string | null;
      licenses: number;
      seats_used: number;
      seats_allowed: number | null;
      seats_of_limited: number;
    }[]
  >`
    select p.id as plan_id, p.code, p.name, p.product_id, count(*)::int as licenses,
      sum(l.active_seats)::float8 as seats_used,
      sum(l.max_activations) filter (where l.max_activations is not null)::float8 as seats_allowed,
      coalesce(sum(l.active_seats) filter (where l.max_activations is not null), 0)::float8 as seats_of_limited
    from licenses l join plans p on p.id = l.plan_id
    where ${licenseScope(q, accountId, f)} and l.status = 'active'
    group by p.id order by p.rank, p.code`;
}

/** Per-plan counts by kind over whole UTC days since `since`. */
export function activityByPlan(q: Queryable, accountId: string, f: Filter, since: Date) {
  return q<{ plan_id: string; kind: string; total: number; failed: number }[]>`
    select l.plan_id, d.kind, sum(d.total)::float8 as total,
      sum(case when d.success then 0 else d.total end)::float8 as failed
    from usage_daily d join licenses l on l.id = d.license_id
    where d.account_id = ${accountId} and d.day >= ${since}::date and ${licenseScope(q, accountId, f)}
    group by 1, 2`;
}

/** Quota consumed per feature (usage rows: the code is the feature) over whole UTC days since `since`. */
export function featureUsage(q: Queryable, accountId: string, f: Filter, since: Date) {
  return q<{ feature: string; used: number; licenses: number }[]>`
    select d.code as feature, sum(d.total)::float8 as used, count(distinct d.license_id)::int as licenses
    from usage_daily d
    ${isFiltered(f) ? q`join licenses l on l.id = d.license_id and ${licenseScope(q, accountId, f)}` : q``}
    where d.account_id = ${accountId} and d.kind = 'usage' and d.day >= ${since}::date
    group by 1 order by 2 desc`;
}

/** Active licenses holding 80 % of their seats or more (licenses_near_seat_limit). */
export function nearSeatLimit(q: Queryable, accountId: string, f: Filter) {
  return q<NearLimitRow[]>`
    select l.id as license_id, l.key_last4, l.customer_id, p.code as plan_code, 'seats' as limit,
      l.active_seats as used, l.max_activations as limit_value
    from licenses l join plans p on p.id = l.plan_id
    where ${licenseScope(q, accountId, f)} and l.status = 'active' and l.max_activations > 0
      and l.active_seats * 5 >= l.max_activations * 4
    order by l.active_seats::float8 / l.max_activations desc limit 100`;
}

export interface NearLimitRow {
  license_id: string;
  key_last4: string;
  customer_id: string | null;
  plan_code: string;
  limit: string;
  used: number;
  limit_value: number;
}

/**
 * Quota counters of metered features touched since `since`, with the license's limit and period for
 * each; whether a counter is the current period's is decided by the caller (entitlements/rules.ts).
 */
export function recentQuotaCounters(q: Queryable, accountId: string, f: Filter, since: Date) {
  return q<(NearLimitRow & { period: string | null; period_start: Date })[]>`
    select l.id as license_id, l.key_last4, l.customer_id, p.code as plan_code, c.feature as limit,
      c.count::float8 as used, (fe->>'limit_value')::float8 as limit_value, fe->>'period' as period, c.period_start
    from usage_counters c
    join licenses l on l.id = c.license_id
    join plans p on p.id = l.plan_id
    cross join lateral jsonb_array_elements(l.features) fe
    where c.account_id = ${accountId} and c.updated_at >= ${since} and ${licenseScope(q, accountId, f)}
      and l.status = 'active' and fe->>'feature_id' = c.feature
      and jsonb_typeof(fe->'limit_value') = 'number' and (fe->>'limit_value')::float8 > 0
      and c.count * 5 >= (fe->>'limit_value')::float8 * 4`;
}

/** Live seats by a device fact (app version or platform), most common first. */
export function seatsBy(q: Queryable, accountId: string, f: Filter, column: 'app_version' | 'platform') {
  return q<{ value: string; devices: number }[]>`
    select coalesce(nullif(a.${q(column)}, ''), 'unknown') as value, count(*)::int as devices
    from activations a
    ${isFiltered(f) ? q`join licenses l on l.id = a.license_id and ${licenseScope(q, accountId, f)}` : q``}
    where a.account_id = ${accountId} and a.status = 'active'
    group by 1 order by 2 desc, 1 limit 25`;
}
