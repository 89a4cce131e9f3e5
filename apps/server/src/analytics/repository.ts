import type { Queryable } from '../db/database.js';
import { activeDevices } from './usage-repository.js';

/**
 * Every query is led by account_id and answered from an index (or the usage rollup), so the overview
 * stays fast at millions of rows (bench B7; migrations/0008_analytics_at_scale.sql).
 */
export async function overviewCounts(q: Queryable, accountId: string, now: Date) {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const in30 = new Date(now.getTime() + 30 * 86_400_000);
  const [counts, plans, customers, devices, expiring, expiringCount, recent, mrr] = await Promise.all([
    // One index-only scan gives both the status counts and the active licenses per plan.
    q<{ status: string; plan_id: string; n: number }[]>`
      select status, plan_id, count(*)::int as n from licenses where account_id = ${accountId}
      group by status, plan_id order by status`,
    q<{ id: string; code: string; name: string; rank: number }[]>`
      select id, code, name, rank from plans where account_id = ${accountId} and archived_at is null order by rank`,
    q<{ n: number }[]>`select count(*)::int as n from customers where account_id = ${accountId}`,
    // Any client call (activation, validation or heartbeat) in the last day, to the hour.
    activeDevices(q, accountId, {}, dayAgo),
    q<{ id: string; key_last4: string; expires_at: Date; plan_code: string; customer_id: string | null }[]>`
      select l.id, l.key_last4, l.expires_at, p.code as plan_code, l.customer_id from licenses l join plans p on p.id = l.plan_id
      where l.account_id = ${accountId} and l.status = 'active' and l.expires_at between ${now} and ${in30}
      order by l.expires_at limit 10`,
    q<{ n: number }[]>`select count(*)::int as n from licenses where account_id = ${accountId}
      and status = 'active' and expires_at between ${now} and ${in30}`,
    q`select a.id, a.license_id, a.device_id, a.platform, a.activated_at from activations a
      where a.account_id = ${accountId} order by a.created_at desc limit 10`,
    // MRR: annual normalised to monthly; trials and free plans excluded (documented in docs/analytics).
    q<{ code: string; mrr_cents: number }[]>`
      select p.code, coalesce(sum(case when s.billing_cycle = 'annual' then s.price_cents / 12.0 else s.price_cents end * s.quantity), 0)::int as mrr_cents
      from subscriptions s join plans p on p.id = s.plan_id
      where s.account_id = ${accountId} and s.status in ('active', 'past_due') and s.price_cents > 0 group by p.code`,
  ]);
  const byStatus = new Map<string, number>();
  const activeByPlan = new Map<string, number>();
  for (const r of counts) {
    byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + r.n);
    if (r.status === 'active') activeByPlan.set(r.plan_id, r.n);
  }
  return {
    byStatus: [...byStatus].map(([status, n]) => ({ status, n })),
    customers: customers[0]!.n,
    devices,
    tiers: plans.map((p) => ({
      code: p.code,
      name: p.name,
      rank: p.rank,
      licenses: activeByPlan.get(p.id) ?? 0,
    })),
    expiring,
    expiringCount: expiringCount[0]!.n,
    recent,
    mrr,
  };
}

/**
 * Counts per bucket from the usage log. Whole hours come from the hourly rollup (usage_hourly); the
 * part of the first hour after `since` from the log itself, so the sums equal those of the raw rows.
 */
export async function timeSeries(
  q: Queryable,
  accountId: string,
  kind: string,
  bucket: 'hour' | 'day' | 'week',
  since: Date,
) {
  return q<{ bucket: Date; total: number; failed: number }[]>`
    select date_trunc(${bucket}, at) as bucket, sum(total)::int as total, sum(failed)::int as failed from (
      select at, count as total, case when success then 0 else count end as failed from usage_events
      where account_id = ${accountId} and kind = ${kind} and at >= ${since}
        and at < date_trunc('hour', ${since}::timestamptz) + interval '1 hour'
      union all
      select hour, total, failed from usage_hourly
      where account_id = ${accountId} and kind = ${kind} and hour >= date_trunc('hour', ${since}::timestamptz) + interval '1 hour'
    ) s
    group by 1 order by 1`;
}
