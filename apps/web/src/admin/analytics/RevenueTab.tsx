import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { Card, DataTable, EmptyState, ErrorState, MetricCard, Select, Skeleton } from '../../ui';
import { DownloadButton } from '../components/DownloadButton';
import { UPlotChart } from '../components/UPlotChart';
import { type CurrencyRevenue, monthsBack, type RevenuePeriod, seconds } from './types';

/** The ranges of the revenue tab: how far back and at which interval. */
const RANGES = {
  '30d': { label: 'Last 30 days', interval: 'day' },
  '12w': { label: 'Last 12 weeks', interval: 'week' },
  '6m': { label: 'Last 6 months', interval: 'month' },
  '12m': { label: 'Last 12 months', interval: 'month' },
  '24m': { label: 'Last 24 months', interval: 'month' },
} as const;
type RangeKey = keyof typeof RANGES;

function fromOf(range: RangeKey): string {
  const today = new Date();
  if (range === '30d') return new Date(today.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  if (range === '12w') return new Date(today.getTime() - 83 * 86_400_000).toISOString().slice(0, 10);
  return monthsBack(Number(range.slice(0, -1)), today);
}

const MOVEMENTS = [
  { key: 'new_cents', label: 'New', color: '#4f46e5' },
  { key: 'expansion_cents', label: 'Expansion', color: '#10b981' },
  { key: 'reactivation_cents', label: 'Reactivation', color: '#0ea5e9' },
  { key: 'contraction_cents', label: 'Contraction', color: '#f59e0b' },
  { key: 'churn_cents', label: 'Churn', color: '#ef4444' },
] as const;

/** Revenue: MRR and ARR, movements, churn, ARPA, NRR, trial conversion, by plan and billing cycle. */
export function RevenueTab() {
  const [range, setRange] = useState<RangeKey>('24m');
  const [picked, setPicked] = useState<string | null>(null);
  const query = { from: fromOf(range), interval: RANGES[range].interval };
  const report = useQuery({
    queryKey: ['/api/v1/analytics/revenue', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/revenue', { params: { query }, signal })),
  });
  const currencies = report.data?.currencies ?? [];
  const current = currencies.find((c) => c.currency === picked) ?? currencies[0];
  const csv = (table: string) => ({ ...query, table, currency: current?.currency });

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end gap-3">
        <Select
          label="Range"
          value={range}
          onChange={(e) => setRange(e.target.value as RangeKey)}
          options={Object.entries(RANGES).map(([value, r]) => ({ value, label: r.label }))}
          fieldClassName="w-48"
        />
        <Select
          label="Currency"
          value={current?.currency ?? ''}
          onChange={(e) => setPicked(e.target.value)}
          disabled={currencies.length < 2}
          options={
            currencies.length > 0
              ? currencies.map((c) => ({ value: c.currency, label: c.currency.toUpperCase() }))
              : [{ value: '', label: 'None yet' }]
          }
          fieldClassName="w-36"
        />
        {report.data?.computed_at && (
          <p className="pb-2 text-xs text-zinc-500">
            Figures through {formatDate(`${report.data.through}T12:00:00Z`)} · computed{' '}
            {formatDateTime(report.data.computed_at)}
          </p>
        )}
      </div>
      {report.isError ? (
        <Card>
          <ErrorState
            error={report.error}
            onRetry={() => void report.refetch()}
            retrying={report.isFetching}
          />
        </Card>
      ) : report.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : !current ? (
        <Card>
          <EmptyState
            title="No revenue yet"
            description={
              report.data.computed_at
                ? 'No paid subscription in this range. Trials and free plans do not count as revenue.'
                : 'The revenue job has not stored a day yet: it runs daily and after the server starts.'
            }
          />
        </Card>
      ) : (
        <CurrencyView revenue={current} csv={csv} />
      )}
    </div>
  );
}

function CurrencyView({
  revenue,
  csv,
}: {
  revenue: CurrencyRevenue;
  csv: (table: string) => Record<string, string | undefined>;
}) {
  const c = revenue.currency;
  const s = revenue.summary;
  const money = useMemo(() => (v: number) => formatMoney(Math.round(v), c, { whole: true }), [c]);
  const x = useMemo(() => revenue.series.map((p) => seconds(p.period_end)), [revenue.series]);
  const mrrSeries = useMemo(
    () => [
      { label: 'MRR', color: '#4f46e5', values: revenue.series.map((p) => p.mrr_cents) },
      {
        label: 'ARR (right axis)',
        color: '#10b981',
        right: true,
        values: revenue.series.map((p) => p.arr_cents),
      },
    ],
    [revenue.series],
  );
  const movementSeries = useMemo(
    () =>
      MOVEMENTS.map((m) => ({
        label: m.label,
        color: m.color,
        bars: true,
        values: revenue.series.map((p) =>
          m.key === 'contraction_cents' || m.key === 'churn_cents' ? -p[m.key] : p[m.key],
        ),
      })),
    [revenue.series],
  );

  return (
    <>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <MetricCard
          label="MRR"
          value={formatMoney(s.mrr_cents, c)}
          hint={`ARR ${formatMoney(s.arr_cents, c)}`}
        />
        <MetricCard
          label="Net new MRR"
          value={formatMoney(s.net_new_cents, c)}
          hint={`from ${formatMoney(s.mrr_start_cents, c)}`}
        />
        <MetricCard
          label="ARPA"
          value={formatMoney(s.arpa_cents, c)}
          hint={`${formatNumber(s.customers)} paying customers`}
        />
        <MetricCard label="Net revenue retention" value={formatPercent(s.nrr)} />
        <MetricCard
          label="Customer churn"
          value={formatPercent(s.customer_churn_rate)}
          hint={`${formatNumber(s.churned_customers)} churned`}
        />
        <MetricCard
          label="Revenue churn"
          value={formatPercent(s.revenue_churn_rate)}
          hint={`net ${formatPercent(s.net_revenue_churn_rate)}`}
        />
        <MetricCard
          label="Trial conversion"
          value={formatPercent(s.trial_conversion_rate)}
          hint={`${formatNumber(s.trials_converted)} converted, ${formatNumber(s.trials_lapsed)} lapsed`}
        />
        <MetricCard
          label="Subscribers"
          value={formatNumber(s.subscribers)}
          hint={`${formatNumber(s.new_customers)} new, ${formatNumber(s.reactivated_customers)} reactivated`}
        />
      </div>
      <Card
        title="MRR and ARR"
        description={`At the end of each period, ${c.toUpperCase()}`}
        actions={
          <DownloadButton
            path="/api/v1/analytics/revenue.csv"
            query={csv('series')}
            filename="revenue-series.csv"
            accessibleName="Download CSV of the revenue series"
          />
        }
      >
        <UPlotChart x={x} series={mrrSeries} label="MRR and ARR per period" format={money} />
      </Card>
      <Card title="MRR movements" description="Per period: added above the line, lost below">
        <UPlotChart
          x={x}
          series={movementSeries}
          label="MRR movements per period"
          format={money}
          height={200}
        />
      </Card>
      <Card title="Movements per period" flush>
        <DataTable
          caption="MRR movements, churn and trials per period"
          rows={[...revenue.series].reverse()}
          rowKey={(p) => p.period_start}
          columns={periodColumns(c)}
          empty={<EmptyState title="No period in this range" />}
        />
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="MRR by plan"
          flush
          actions={
            <DownloadButton
              path="/api/v1/analytics/revenue.csv"
              query={csv('by_plan')}
              filename="revenue-by-plan.csv"
              accessibleName="Download CSV of MRR by plan"
            />
          }
        >
          <DataTable
            caption="MRR by plan on the last day"
            rows={revenue.by_plan}
            rowKey={(r) => r.plan_id}
            columns={[
              { id: 'plan', header: 'Plan', cell: (r) => r.plan_name ?? r.plan_code ?? r.plan_id },
              ...breakdownColumns(c),
            ]}
            empty={<EmptyState title="No paid plan" />}
          />
        </Card>
        <Card
          title="MRR by billing cycle"
          flush
          actions={
            <DownloadButton
              path="/api/v1/analytics/revenue.csv"
              query={csv('by_billing_cycle')}
              filename="revenue-by-billing-cycle.csv"
              accessibleName="Download CSV of MRR by billing cycle"
            />
          }
        >
          <DataTable
            caption="MRR by billing cycle on the last day"
            rows={revenue.by_billing_cycle}
            rowKey={(r) => r.billing_cycle}
            columns={[
              {
                id: 'cycle',
                header: 'Billing cycle',
                cell: (r) => (r.billing_cycle === 'annual' ? 'Annual' : 'Monthly'),
              },
              ...breakdownColumns(c),
            ]}
            empty={<EmptyState title="No paid subscription" />}
          />
        </Card>
      </div>
      <div className="flex justify-end">
        <DownloadButton
          path="/api/v1/analytics/revenue.csv"
          query={csv('summary')}
          label="Download summary CSV"
          filename="revenue-summary.csv"
        />
      </div>
    </>
  );
}

function periodColumns(c: string) {
  const money = (v: number) => formatMoney(v, c);
  return [
    {
      id: 'period',
      header: 'Period',
      cell: (p: RevenuePeriod) =>
        p.period_start === p.period_end
          ? formatDate(`${p.period_start}T12:00:00Z`)
          : `${formatDate(`${p.period_start}T12:00:00Z`)} – ${formatDate(`${p.period_end}T12:00:00Z`)}`,
    },
    {
      id: 'mrr',
      header: 'MRR',
      align: 'right' as const,
      className: 'tabular',
      cell: (p: RevenuePeriod) => money(p.mrr_cents),
    },
    ...MOVEMENTS.map((m) => ({
      id: m.key,
      header: m.label,
      align: 'right' as const,
      className: 'tabular',
      cell: (p: RevenuePeriod) => money(p[m.key]),
    })),
    {
      id: 'net',
      header: 'Net new',
      align: 'right' as const,
      className: 'tabular',
      cell: (p: RevenuePeriod) => money(p.net_new_cents),
    },
    {
      id: 'churn',
      header: 'Customer churn',
      align: 'right' as const,
      className: 'tabular',
      secondary: true,
      cell: (p: RevenuePeriod) => formatPercent(p.customer_churn_rate),
    },
    {
      id: 'nrr',
      header: 'NRR',
      align: 'right' as const,
      className: 'tabular',
      secondary: true,
      cell: (p: RevenuePeriod) => formatPercent(p.nrr),
    },
    {
      id: 'arpa',
      header: 'ARPA',
      align: 'right' as const,
      className: 'tabular',
      secondary: true,
      cell: (p: RevenuePeriod) => formatMoney(p.arpa_cents, c),
    },
  ];
}

function breakdownColumns(c: string) {
  type Row = {
    mrr_cents: number;
    arr_cents: number;
    subscribers: number;
    customers: number;
    arpa_cents: number | null;
  };
  return [
    {
      id: 'mrr',
      header: 'MRR',
      align: 'right' as const,
      className: 'tabular',
      cell: (r: Row) => formatMoney(r.mrr_cents, c),
    },
    {
      id: 'arr',
      header: 'ARR',
      align: 'right' as const,
      className: 'tabular',
      secondary: true,
      cell: (r: Row) => formatMoney(r.arr_cents, c),
    },
    {
      id: 'subs',
      header: 'Subscribers',
      align: 'right' as const,
      className: 'tabular',
      cell: (r: Row) => formatNumber(r.subscribers),
    },
    {
      id: 'arpa',
      header: 'ARPA',
      align: 'right' as const,
      className: 'tabular',
      secondary: true,
      cell: (r: Row) => formatMoney(r.arpa_cents, c),
    },
  ];
}
