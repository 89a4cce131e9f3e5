import type { StoredDay } from './revenue-repository.js';
import type { RevenuePeriod } from './revenue-schemas.js';
import { dayOf } from './revenue-walk.js';

/**
 * A period's figures from stored days (docs/analytics.md): balances are the stored day before the period
 * and its last day (no row: zero), movements and counts are summed over its days, rates are taken against
 * the period's start.
 */

export const addDays = (day: string, n: number) =>
  dayOf(new Date(new Date(`${day}T00:00:00Z`).getTime() + n * 86_400_000));

/** A ratio rounded to 4 places, or null when its base is 0. */
const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

/** The periods of `interval` covering from…to, the first and last cut to the range. */
export function periodsOf(from: string, to: string, interval: 'day' | 'week' | 'month'): [string, string][] {
  const periods: [string, string][] = [];
  for (let start = from; start <= to; ) {
    const d = new Date(`${start}T00:00:00Z`);
    let end = start;
    if (interval === 'week') end = addDays(start, (7 - d.getUTCDay()) % 7); // to Sunday
    if (interval === 'month') end = dayOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0))); // the month's last day
    if (end > to) end = to;
    periods.push([start, end]);
    start = addDays(end, 1);
  }
  return periods;
}

/** The counts a period sums over its days. */
const COUNTS = [
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

/** A day as a number (days since 1970-01-01 UTC): a period's days are a loop over integers. */
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** Stored days by day number, for `periodOf`. */
export function byDayNumber(rows: readonly StoredDay[]): Map<number, StoredDay> {
  return new Map(rows.map((r) => [dayNumber(r.day), r]));
}

export function periodOf(start: string, end: string, byDay: ReadonlyMap<number, StoredDay>): RevenuePeriod {
  const first = dayNumber(start);
  const last = dayNumber(end);
  const sum = Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<(typeof COUNTS)[number], number>;
  for (let d = first; d <= last; d++) {
    const row = byDay.get(d);
    if (row) for (const k of COUNTS) sum[k] += row[k];
  }
  const before = byDay.get(first - 1);
  const atEnd = byDay.get(last);
  const mrrStart = before?.mrr_cents ?? 0;
  const customersStart = before?.customers ?? 0;
  const mrr = atEnd?.mrr_cents ?? 0;
  const customers = atEnd?.customers ?? 0;
  const lost = sum.churn_cents + sum.contraction_cents;
  return {
    period_start: start,
    period_end: end,
    mrr_start_cents: mrrStart,
    mrr_cents: mrr,
    arr_cents: 12 * mrr,
    customers_start: customersStart,
    customers,
    subscribers: atEnd?.subscribers ?? 0,
    arpa_cents: customers > 0 ? Math.round(mrr / customers) : null,
    ...sum,
    net_new_cents: sum.new_cents + sum.expansion_cents + sum.reactivation_cents - lost,
    customer_churn_rate: ratio(sum.churned_customers, customersStart),
    revenue_churn_rate: ratio(lost, mrrStart),
    net_revenue_churn_rate: ratio(lost - sum.expansion_cents, mrrStart),
    nrr: ratio(mrrStart - lost + sum.expansion_cents, mrrStart),
    trial_conversion_rate: ratio(sum.trials_converted, sum.trials_converted + sum.trials_lapsed),
  };
}
