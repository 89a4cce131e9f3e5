import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Customer, License } from '../../api/resources';
import { formatNumber, formatPercent } from '../../lib/format';
import { Card, DataTable, EmptyState, ErrorState, MetricCard, Select, Skeleton } from '../../ui';
import { displayName } from '../components/customers';
import { DownloadButton } from '../components/DownloadButton';
import { UPlotChart } from '../components/UPlotChart';
import { usePlanOptions, useProductOptions } from '../hooks';
import { SearchSelect } from './SearchSelect';
import { seconds, type UsageRange, type UsageReport } from './types';

const RANGES: { value: UsageRange; label: string }[] = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
];

const count = (v: number) => formatNumber(Math.round(v));
const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Usage: activity, peak hours, active devices, seats per plan, features, near-limit licenses, versions. */
export function UsageTab() {
  const [range, setRange] = useState<UsageRange>('30d');
  const [planId, setPlanId] = useState('');
  const [productId, setProductId] = useState('');
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [license, setLicense] = useState<License | null>(null);
  const plans = usePlanOptions();
  const products = useProductOptions();
  const query = {
    range,
    plan_id: planId || undefined,
    product_id: productId || undefined,
    customer_id: customer?.id,
    license_id: license?.id,
  };
  const report = useQuery({
    queryKey: ['/api/v1/analytics/usage', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/usage', { params: { query }, signal })),
  });

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end gap-3">
        <Select
          label="Range"
          value={range}
          onChange={(e) => setRange(e.target.value as UsageRange)}
          options={RANGES}
          fieldClassName="w-44"
        />
        <Select
          label="Product"
          placeholder="Any"
          value={productId}
          onChange={(e) => setProductId(e.target.value)}
          options={(products.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          fieldClassName="w-44"
        />
        <Select
          label="Plan"
          placeholder="Any"
          value={planId}
          onChange={(e) => setPlanId(e.target.value)}
          options={(plans.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          fieldClassName="w-44"
        />
        <SearchSelect<Customer>
          label="Customer"
          searchLabel="Find a customer"
          placeholder="Email or name"
          path="/api/v1/customers"
          describe={(c) => (displayName(c) === c.email ? c.email : `${displayName(c)} · ${c.email}`)}
          value={customer}
          onChange={setCustomer}
        />
        <SearchSelect<License>
          label="License"
          searchLabel="Find a license"
          placeholder="Key or email"
          path="/api/v1/licenses"
          describe={(l) => `••••${l.key_last4}`}
          value={license}
          onChange={setLicense}
        />
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
      ) : (
        <UsageView usage={report.data} query={query} />
      )}
    </div>
  );
}

function UsageView({ usage, query }: { usage: UsageReport; query: Record<string, string | undefined> }) {
  const csv = (table: string) => ({ ...query, table });
  const download = (table: string, what: string) => (
    <DownloadButton
      path="/api/v1/analytics/usage.csv"
      query={csv(table)}
      filename={`usage-${table}.csv`}
      accessibleName={`Download CSV of ${what}`}
    />
  );
  // The report lists the buckets with activity only: the chart gets every bucket of the range.
  const { x, activity } = useMemo(() => {
    const step = usage.interval === 'hour' ? 3600 : 86_400;
    const first = Math.floor(seconds(usage.since) / step) * step;
    const last = Math.floor(seconds(usage.until) / step) * step;
    const byAt = new Map(usage.series.map((p) => [Math.floor(seconds(p.at) / step) * step, p]));
    const xs: number[] = [];
    for (let t = first; t <= last; t += step) xs.push(t);
    const values = (key: 'validations' | 'activations' | 'heartbeats' | 'failed') =>
      xs.map((t) => byAt.get(t)?.[key] ?? 0);
    return {
      x: xs,
      activity: [
        { label: 'Validations', color: '#10b981', values: values('validations') },
        { label: 'Activations', color: '#4f46e5', values: values('activations') },
        { label: 'Heartbeats', color: '#0ea5e9', values: values('heartbeats') },
        { label: 'Refused', color: '#ef4444', values: values('failed') },
      ],
    };
  }, [usage]);
  const hours = useMemo(() => usage.peak_hours.map((h) => h.hour), [usage.peak_hours]);
  const peak = useMemo(
    () => [
      { label: 'Client calls', color: '#4f46e5', bars: true, values: usage.peak_hours.map((h) => h.calls) },
    ],
    [usage.peak_hours],
  );
  const t = usage.totals;

  return (
    <>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <MetricCard
          label="Active devices"
          value={formatNumber(usage.active_devices)}
          hint="Seats that called in"
        />
        <MetricCard
          label="Validations"
          value={formatNumber(t.validations)}
          hint={`${formatNumber(t.heartbeats)} heartbeats`}
        />
        <MetricCard
          label="Activations"
          value={formatNumber(t.activations)}
          hint={`${formatNumber(t.deactivations)} deactivations`}
        />
        <MetricCard
          label="Refused calls"
          value={formatNumber(t.failed)}
          hint={`${formatNumber(t.usage)} quota units used`}
        />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          title="Activity"
          description={usage.interval === 'hour' ? 'Client calls per hour' : 'Client calls per day'}
          className="lg:col-span-2"
          actions={download('series', 'the activity series')}
        >
          <UPlotChart x={x} series={activity} label="Client calls over time" format={count} />
        </Card>
        <Card title="Peak hours" description="Client calls per hour of the day (UTC)">
          <UPlotChart
            x={hours}
            series={peak}
            time={false}
            label="Client calls per hour of the day"
            format={count}
            formatX={hourLabel}
            xLabel="Hour (UTC)"
            height={200}
          />
        </Card>
      </div>
      <Card
        title="Seats per plan"
        description="Active licenses, seats used and allowed"
        flush
        actions={download('by_plan', 'seats per plan')}
      >
        <DataTable
          caption="Seats used and allowed per plan"
          rows={usage.by_plan}
          rowKey={(p) => p.plan_id}
          columns={[
            { id: 'plan', header: 'Plan', cell: (p) => p.name },
            {
              id: 'licenses',
              header: 'Licenses',
              align: 'right',
              className: 'tabular',
              cell: (p) => formatNumber(p.licenses),
            },
            {
              id: 'used',
              header: 'Seats used',
              align: 'right',
              className: 'tabular',
              cell: (p) => formatNumber(p.seats_used),
            },
            {
              id: 'allowed',
              header: 'Seats allowed',
              align: 'right',
              className: 'tabular',
              cell: (p) => (p.seats_allowed == null ? 'Unlimited' : formatNumber(p.seats_allowed)),
            },
            {
              id: 'util',
              header: 'Utilisation',
              align: 'right',
              className: 'tabular',
              cell: (p) => formatPercent(p.utilisation),
            },
            {
              id: 'validations',
              header: 'Validations',
              align: 'right',
              className: 'tabular',
              secondary: true,
              cell: (p) => formatNumber(p.validations),
            },
          ]}
          empty={<EmptyState title="No active license in this selection" />}
        />
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="Licenses near a limit"
          description="At 80 % of seats or a quota, or more"
          flush
          actions={download('near_limit', 'licenses near a limit')}
        >
          <DataTable
            caption="Licenses at 80 % of a limit or more"
            rows={usage.near_limit}
            rowKey={(l) => `${l.license_id}:${l.limit}`}
            columns={[
              {
                id: 'license',
                header: 'License',
                cell: (l) => (
                  <Link
                    to="/licenses/$id"
                    params={{ id: l.license_id }}
                    className="font-mono text-xs text-brand-700 hover:underline"
                  >
                    ••••{l.key_last4}
                  </Link>
                ),
              },
              { id: 'plan', header: 'Plan', cell: (l) => l.plan_code, secondary: true },
              { id: 'limit', header: 'Limit', cell: (l) => (l.limit === 'seats' ? 'Seats' : l.limit) },
              {
                id: 'used',
                header: 'Used',
                align: 'right',
                className: 'tabular',
                cell: (l) =>
                  `${formatNumber(l.used)} / ${formatNumber(l.limit_value)} (${formatPercent(l.percentage / 100, 0)})`,
              },
            ]}
            empty={<EmptyState title="No license near a limit" />}
          />
        </Card>
        <Card
          title="Features"
          description="Quota consumed per metered feature"
          flush
          actions={download('features', 'feature usage')}
        >
          <DataTable
            caption="Quota consumed per feature"
            rows={usage.features}
            rowKey={(f) => f.feature}
            columns={[
              {
                id: 'feature',
                header: 'Feature',
                cell: (f) => <span className="font-mono text-xs">{f.feature}</span>,
              },
              {
                id: 'used',
                header: 'Used',
                align: 'right',
                className: 'tabular',
                cell: (f) => formatNumber(f.used),
              },
              {
                id: 'licenses',
                header: 'Licenses',
                align: 'right',
                className: 'tabular',
                cell: (f) => formatNumber(f.licenses),
              },
            ]}
            empty={<EmptyState title="No metered usage in this range" />}
          />
        </Card>
        <ShareCard
          title="App versions"
          rows={usage.app_versions}
          action={download('app_versions', 'app versions')}
        />
        <ShareCard title="Platforms" rows={usage.platforms} action={download('platforms', 'platforms')} />
      </div>
    </>
  );
}

function ShareCard({
  title,
  rows,
  action,
}: {
  title: string;
  rows: { value: string; devices: number }[];
  action: React.ReactNode;
}) {
  const total = rows.reduce((a, r) => a + r.devices, 0);
  return (
    <Card title={title} description="Live seats" flush actions={action}>
      <DataTable
        caption={`Live seats by ${title.toLowerCase()}`}
        rows={rows}
        rowKey={(r) => r.value}
        columns={[
          { id: 'value', header: title.replace(/s$/, ''), cell: (r) => r.value || 'Unknown' },
          {
            id: 'devices',
            header: 'Devices',
            align: 'right',
            className: 'tabular',
            cell: (r) => (
              <span className="inline-flex items-center gap-2">
                <span
                  className="inline-block h-2 rounded bg-brand-500"
                  style={{ width: `${Math.round((60 * r.devices) / Math.max(1, total))}px` }}
                />
                {formatNumber(r.devices)}
              </span>
            ),
          },
        ]}
        empty={<EmptyState title="No live seat" />}
      />
    </Card>
  );
}
