import type { Queryable } from '../db/database.js';

/** Every query is led by account_id so it stays fast at millions of rows. */
export async function overviewCounts(q: Queryable, accountId: string, now: Date) {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const in30 = new Date(now.getTime() + 30 * 86_400_000);
  const [byStatus, customers, devices, tiers, expiring, recent, mrr] = await Promise.all([
    q<
      { status: string; n: number }[]
    >`select status, count(*)::int as n from licenses where account_id = ${accountId} group by status`,
    q<{ n: number }[]>`select count(*)::int as n from customers where account_id = ${accountId}`,
    q<
      { n: number }[]
    >`select count(*)::int as n from activations where account_id = ${accountId} and status = 'active'
      and coalesce(last_heartbeat_at, activated_at) > ${dayAgo}`,
    q<{ code: string; name: string; rank: number; licenses: number }[]>`
      select p.code, p.name, p.rank, count(l.id)::int as licenses from plans p
      left join licenses l on l.plan_id = p.id and l.account_id = ${accountId} and l.status = 'active'
      where p.account_id = ${accountId} and p.archived_at is null group by p.id order by p.rank`,
    q<{ id: string; key_last4: string; expires_at: Date; plan_code: string; customer_id: string | null }[]>`
      select l.id, l.key_last4, l.expires_at, p.code as plan_code, l.customer_id from licenses l join plans p on p.id = l.plan_id
      where l.account_id = ${accountId} and l.status = 'active' and l.expires_at between ${now} and ${in30}
      order by l.expires_at limit 10`,
    q`select a.id, a.license_id, a.device_id, a.platform, a.activated_at from activations a
      where a.account_id = ${accountId} order by a.created_at desc limit 10`,
    // MRR: annual normalised to monthly; trials and free plans excluded (documented in docs/analytics).
    q<{ code: string; mrr_cents: number }[]>`
      select p.code, coalesce(sum(case when s.billing_cycle = 'annual' then s.price_cents / 12.0 else s.price_cents end * s.quantity), 0)::int as mrr_cents
      from subscriptions s join plans p on p.id = s.plan_id
      where s.account_id = ${accountId} and s.status in ('active', 'past_due') and s.price_cents > 0 group by p.code`,
  ]);
  const [expiringCount] = await q<
    { n: number }[]
  >`select count(*)::int as n from licenses where account_id = ${accountId}
    and status = 'active' and expires_at between ${now} and ${in30}`;
  return {
    byStatus,
    customers: customers[0]!.n,
    devices: devices[0]!.n,
    tiers,
    expiring,
    expiringCount: expiringCount!.n,
    recent,
    mrr,
  };
}

export async function timeSeries(
  q: Queryable,
  accountId: string,
  kind: string,
  bucket: 'hour' | 'day' | 'week',
  since: Date,
) {
  return q<{ bucket: Date; total: number; failed: number }[]>`
    select date_trunc(${bucket}, at) as bucket, sum(count)::int as total, sum(case when success then 0 else count end)::int as failed
    from usage_events where account_id = ${accountId} and kind = ${kind} and at >= ${since}
    group by 1 order by 1`;
}
