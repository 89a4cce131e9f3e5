import { csvTable } from '../core/csv.js';
import type { REVENUE_TABLES, RevenueReport } from './revenue-schemas.js';

/**
 * The tables of a revenue report as CSV (RFC 4180, CRLF, a header row): one row per currency and row of
 * the table, amounts in minor units with the currency beside them, empty cells for nulls.
 */

type Cell = string | number | null;

const PERIOD_COLUMNS = [
  'period_start',
  'period_end',
  'mrr_start_cents',
  'mrr_cents',
  'arr_cents',
  'customers_start',
  'customers',
  'subscribers',
  'arpa_cents',
  'new_cents',
  'expansion_cents',
  'contraction_cents',
  'churn_cents',
  'reactivation_cents',
  'net_new_cents',
  'new_customers',
  'reactivated_customers',
  'churned_customers',
  'customer_churn_rate',
  'revenue_churn_rate',
  'net_revenue_churn_rate',
  'nrr',
  'trials_started',
  'trials_converted',
  'trials_lapsed',
  'trial_conversion_rate',
] as const;
const BREAKDOWN_COLUMNS = ['mrr_cents', 'arr_cents', 'subscribers', 'customers', 'arpa_cents'] as const;

export function revenueTableCsv(report: RevenueReport, table: (typeof REVENUE_TABLES)[number]): string {
  const rows: Cell[][] = [];
  let header: string[];
  if (table === 'summary' || table === 'series') {
    header = ['currency', ...PERIOD_COLUMNS];
    for (const c of report.currencies)
      for (const p of table === 'summary' ? [c.summary] : c.series)
        rows.push([c.currency, ...PERIOD_COLUMNS.map((k) => p[k])]);
  } else if (table === 'by_plan') {
    header = ['currency', 'day', 'plan_id', 'plan_code', 'plan_name', ...BREAKDOWN_COLUMNS];
    for (const c of report.currencies)
      for (const p of c.by_plan)
        rows.push([
          c.currency,
          report.through,
          p.plan_id,
          p.plan_code,
          p.plan_name,
          ...BREAKDOWN_COLUMNS.map((k) => p[k]),
        ]);
  } else {
    header = ['currency', 'day', 'billing_cycle', ...BREAKDOWN_COLUMNS];
    for (const c of report.currencies)
      for (const b of c.by_billing_cycle)
        rows.push([c.currency, report.through, b.billing_cycle, ...BREAKDOWN_COLUMNS.map((k) => b[k])]);
  }
  return csvTable(header, rows);
}
