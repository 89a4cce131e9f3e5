import type { Queryable, TxSql } from '../db/database.js';
import { MRR_COLUMNS, type SubscriptionState } from './revenue-mrr.js';
import type { Change, DailyRow, SegmentBalance } from './revenue-walk.js';

// Revenue analytics' SQL (migration 0031): the subscriptions' history the job walks, the daily snapshots
// it writes and the charts read. Every query is led by account_id.

const STATE_COLUMNS = ['subscription_id', 'customer_id', ...MRR_COLUMNS];

/** Accounts with any subscription history: the ones the scheduled run snapshots. */
export function accountsWithSubscriptions(q: Queryable) {
  return q<{ id: string }[]>`
    select a.id from accounts a where exists (select 1 from subscription_changes c where c.account_id = a.id)
    order by a.id`;
}

/** One run per account at a time: concurrent runs would delete each other's rows. */
export async function lockAccountSnapshots(tx: TxSql, accountId: string) {
  await tx`select pg_advisory_xact_lock(hashtext(${`revenue-snapshots:${accountId}`}))`;
}

/** The UTC day of the account's earliest subscription change, or undefined. */
export async function firstChangeDay(q: Queryable, accountId: string): Promise<string | undefined> {
  const [row] = await q<{ day: string }[]>`
    select to_char(at at time zone 'UTC', 'YYYY-MM-DD') as day from subscription_changes
    where account_id = ${accountId} order by at, id limit 1`;
  return row?.day;
}

export async function snapshotRun(q: Queryable, accountId: string) {
  const [row] = await q<
    {
      first_day: string;
      computed_through: string;
      computed_at: Date;
      stale_from: string | null;
      marks: string;
    }[]
  >`
    select first_day::text, computed_through::text, computed_at, stale_from::text, marks::text
    from revenue_snapshot_runs where account_id = ${accountId}`;
  return row;
}

/**
 * Marks the account's stored days from `day` on stale (a change dated before them was written): the next
 * run of the job computes them again. Call it in the change's transaction; nothing to do before a first run.
 */
export async function markRevenueStale(q: Queryable, accountId: string, day: string) {
  await q`
    update revenue_snapshot_runs set stale_from = least(coalesce(stale_from, ${day}::date), ${day}::date),
      marks = marks + 1
    where account_id = ${accountId} and computed_through >= ${day}::date`;
}

/**
 * The state at `at` (each subscription's latest change before it) of every subscription of `customerIds`,
 * the live ones only: trialing or paid for.
 */
export function liveStatesAt(q: Queryable, accountId: string, at: Date, customerIds: string[]) {
  return q<SubscriptionState[]>`
    select * from (
      select distinct on (subscription_id) ${q(STATE_COLUMNS)} from subscription_changes
      where account_id = ${accountId} and customer_id = any(${customerIds}::uuid[]) and at < ${at}
      order by subscription_id, at desc, id desc
    ) s where status in ('trialing', 'active', 'past_due')`;
}

/** Every segment's stored balances at the end of `day`: where a run that starts the day after picks up. */
export function balancesOn(q: Queryable, accountId: string, day: string) {
  return q<SegmentBalance[]>`
    select segment, currency, plan_id, billing_cycle, mrr_cents::float8 as mrr_cents, subscribers, customers
    from revenue_daily where account_id = ${accountId} and day = ${day}::date`;
}

/** The changes from `from` up to `to`, in the order they happened. */
export function changesBetween(q: Queryable, accountId: string, from: Date, to: Date) {
  return q<Change[]>`
    select ${q(STATE_COLUMNS)}, at from subscription_changes
    where account_id = ${accountId} and at >= ${from} and at < ${to}
    order by at, id`;
}

/**
 * Of `customerIds`, where each had MRR at some time before `before`: currency, plan and cycle. A state
 * has MRR when paid for and its normalised price is at least one minor unit (annual: price × quantity
 * ≥ 6, which /12 rounds half up to 1), as `monthlyCents` says.
 */
export function paidBefore(q: Queryable, accountId: string, before: Date, customerIds: string[]) {
  return q<{ customer_id: string; currency: string; plan_id: string; billing_cycle: string }[]>`
    select distinct customer_id, currency, plan_id, billing_cycle from subscription_changes
    where account_id = ${accountId} and at < ${before} and customer_id = any(${customerIds}::uuid[])
      and status in ('active', 'past_due')
      and price_cents::bigint * quantity >= case when billing_cycle = 'annual' then 6 else 1 end`;
}

const DAILY_COLUMNS = [
  'account_id',
  'segment',
  'day',
  'currency',
  'plan_id',
  'billing_cycle',
  'mrr_cents',
  'subscribers',
  'customers',
  'new_cents',
  'expansion_cents',
  'contraction_cents',
  'churn_cents',
  'reactivation_cents',
  'new_customers',
  'reactivated_customers',
  'churned_customers',
  'trials_started',
  'trials_converted',
  'trials_lapsed',
] as const;

/** Replaces the account's days from `from` on with `rows` (a rerun writes the same rows again). */
export async function replaceDaysFrom(tx: TxSql, accountId: string, from: string, rows: DailyRow[]) {
  await tx`delete from revenue_daily where account_id = ${accountId} and day >= ${from}::date`;
  if (rows.length === 0) return;
  // The rows travel as one JSON parameter, so the statement's text is the same whatever their number:
  // statements are prepared, and a VALUES list as long as the rows was a new one (kept by the
  // connection) for every count of rows.
  await tx`
    insert into revenue_daily (${tx(DAILY_COLUMNS)})
    select ${tx(DAILY_COLUMNS)}
    from jsonb_populate_recordset(null::revenue_daily, ${tx.json(rows.map((r) => ({ ...r, account_id: accountId })) as never)})`;
}

/** Records how far the run got; the stale mark is cleared unless a change marked it again meanwhile. */
export async function saveSnapshotRun(
  tx: TxSql,
  accountId: string,
  run: { firstDay: string; through: string; marksSeen: string },
) {
  await tx`
    insert into revenue_snapshot_runs (account_id, first_day, computed_through, computed_at)
    values (${accountId}, ${run.firstDay}::date, ${run.through}::date, now())
    on conflict (account_id) do update
      set first_day = excluded.first_day, computed_through = excluded.computed_through, computed_at = now(),
        stale_from = case when revenue_snapshot_runs.marks = ${run.marksSeen}::bigint then null
                          else revenue_snapshot_runs.stale_from end`;
}

/** A stored day of one segment, as the charts read it. */
export interface StoredDay extends Omit<DailyRow, 'plan_id' | 'billing_cycle' | 'segment'> {}

/** One segment's days from `from` through `to` (every currency, or one), by day. */
export function segmentDays(
  q: Queryable,
  accountId: string,
  segment: string,
  from: string,
  to: string,
  currency: string | undefined,
) {
  return q<StoredDay[]>`
    select day::text, currency, mrr_cents::float8 as mrr_cents, subscribers, customers,
      new_cents::float8 as new_cents, expansion_cents::float8 as expansion_cents,
      contraction_cents::float8 as contraction_cents, churn_cents::float8 as churn_cents,
      reactivation_cents::float8 as reactivation_cents, new_customers, reactivated_customers,
      churned_customers, trials_started, trials_converted, trials_lapsed
    from revenue_daily
    where account_id = ${accountId} and segment = ${segment} and day between ${from}::date and ${to}::date
      ${currency ? q`and currency = ${currency}` : q``}
    order by day, currency`;
}

/**
 * One day's MRR by plan (`by: 'plan'`, within the cycle filter if any) or by cycle (within the plan
 * filter if any), with each plan's code and name.
 */
export function breakdownOn(
  q: Queryable,
  accountId: string,
  day: string,
  by: 'plan' | 'cycle',
  f: { planId: string | undefined; cycle: string | undefined; currency: string | undefined },
) {
  const rows =
    by === 'plan'
      ? q`r.plan_id is not null and r.billing_cycle is not distinct from ${f.cycle ?? null}::text
          ${f.planId ? q`and r.plan_id = ${f.planId}` : q``}`
      : q`r.billing_cycle is not null and r.plan_id is not distinct from ${f.planId ?? null}::uuid
          ${f.cycle ? q`and r.billing_cycle = ${f.cycle}` : q``}`;
  return q<
    {
      currency: string;
      plan_id: string | null;
      plan_code: string | null;
      plan_name: string | null;
      billing_cycle: string | null;
      mrr_cents: number;
      subscribers: number;
      customers: number;
    }[]
  >`
    select r.currency, r.plan_id, p.code as plan_code, p.name as plan_name, r.billing_cycle,
      r.mrr_cents::float8 as mrr_cents, r.subscribers, r.customers
    from revenue_daily r left join plans p on p.account_id = r.account_id and p.id = r.plan_id
    where r.account_id = ${accountId} and r.day = ${day}::date and ${rows}
      ${f.currency ? q`and r.currency = ${f.currency}` : q``}
      and (r.mrr_cents > 0 or r.subscribers > 0)
    order by r.currency, r.mrr_cents desc, p.code, r.billing_cycle`;
}

/** Whether `planId` names a plan of the account. */
export async function planInAccount(q: Queryable, accountId: string, planId: string) {
  const [row] = await q`select 1 from plans where account_id = ${accountId} and id = ${planId}`;
  return row !== undefined;
}
