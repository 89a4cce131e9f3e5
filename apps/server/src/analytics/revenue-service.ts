import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { revenueTableCsv } from './revenue-csv.js';
import { segmentKey } from './revenue-mrr.js';
import { addDays, byDayNumber, periodOf, periodsOf } from './revenue-periods.js';
import * as repo from './revenue-repository.js';
import {
  MAX_RANGE_DAYS,
  type RevenueCsvFilter,
  type RevenueFilter,
  type RevenueReport,
} from './revenue-schemas.js';
import { dayOf } from './revenue-walk.js';

/**
 * Revenue analytics read from the daily snapshots the `revenue-snapshots` job keeps (never from the
 * subscriptions themselves, so a 24-month chart is one index range of at most ~730 rows per currency).
 */

/** The range and filters of a request, checked: 422 for an impossible range, 404 for another account's plan. */
async function checked(ctx: AppContext, accountId: string, f: RevenueFilter) {
  const to = f.to ?? dayOf(ctx.clock.now());
  const from = f.from ?? addDays(to, -29);
  if (from > to)
    throw new AppError('INVALID_FIELD', `from (${from}) is after to (${to}): give a from on or before to`, {
      pointer: '/query/from',
    });
  if (from < addDays(to, -(MAX_RANGE_DAYS - 1)))
    throw new AppError(
      'INVALID_FIELD',
      `from…to spans more than ${MAX_RANGE_DAYS} days: ask for at most three years at a time`,
      { pointer: '/query/from', max_days: MAX_RANGE_DAYS },
    );
  if (f.plan_id && !(await repo.planInAccount(ctx.db.sql, accountId, f.plan_id)))
    throw new AppError('NOT_FOUND', 'plan_id does not name a plan of this account', {
      pointer: '/query/plan_id',
    });
  return { from, to };
}

/**
 * MRR, ARR, movements, churn, ARPA, NRR and trial conversion per currency over from…to, one point per
 * interval, with a summary of the whole range and the last day's MRR by plan and by billing cycle.
 */
export async function revenueReport(
  ctx: AppContext,
  accountId: string,
  f: RevenueFilter,
): Promise<RevenueReport> {
  const { from, to } = await checked(ctx, accountId, f);
  const interval = f.interval ?? 'day';
  const run = await repo.snapshotRun(ctx.db.sql, accountId);
  // Days the job has not stored yet are not answered as zeros: the answer ends with the last stored day.
  const through = run && run.computed_through >= from ? [run.computed_through, to].sort()[0]! : null;
  const report: RevenueReport = {
    from,
    to,
    through,
    interval,
    plan_id: f.plan_id ?? null,
    billing_cycle: f.billing_cycle ?? null,
    computed_at: run ? run.computed_at.toISOString() : null,
    currencies: [],
  };
  if (!through) return report;
  const segment = segmentKey(f.plan_id ?? null, f.billing_cycle ?? null);
  const days = await repo.segmentDays(ctx.db.sql, accountId, segment, addDays(from, -1), through, f.currency);
  const filters = { planId: f.plan_id, cycle: f.billing_cycle, currency: f.currency };
  const [plans, cycles] = await Promise.all([
    repo.breakdownOn(ctx.db.sql, accountId, through, 'plan', filters),
    repo.breakdownOn(ctx.db.sql, accountId, through, 'cycle', filters),
  ]);
  const currencies = new Set([...(f.currency ? [f.currency] : []), ...days.map((d) => d.currency)]);
  for (const currency of [...currencies].sort()) {
    const byDay = byDayNumber(days.filter((d) => d.currency === currency));
    const breakdown = (r: (typeof plans)[number]) => ({
      mrr_cents: r.mrr_cents,
      arr_cents: 12 * r.mrr_cents,
      subscribers: r.subscribers,
      customers: r.customers,
      arpa_cents: r.customers > 0 ? Math.round(r.mrr_cents / r.customers) : null,
    });
    report.currencies.push({
      currency,
      summary: periodOf(from, through, byDay),
      series: periodsOf(from, through, interval).map(([start, end]) => periodOf(start, end, byDay)),
      by_plan: plans
        .filter((r) => r.currency === currency)
        .map((r) => ({
          plan_id: r.plan_id!,
          plan_code: r.plan_code,
          plan_name: r.plan_name,
          ...breakdown(r),
        })),
      by_billing_cycle: cycles
        .filter((r) => r.currency === currency)
        .map((r) => ({ billing_cycle: r.billing_cycle!, ...breakdown(r) })),
    });
  }
  return report;
}

/** One table of the report as CSV (`table`), with the file name to save it as. */
export async function revenueCsv(ctx: AppContext, accountId: string, f: RevenueCsvFilter) {
  const { table = 'series', ...filter } = f;
  const report = await revenueReport(ctx, accountId, filter);
  return {
    filename: `revenue-${table}-${report.from}-${report.to}.csv`,
    body: revenueTableCsv(report, table),
  };
}
