import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { requestJson } from '../../api/client';
import type { Overview, TimeSeries } from '../../api/resources';
import { formatDate, formatMoney, formatNumber, formatRelative } from '../../lib/format';
import { Card, DataTable, EmptyState, ErrorState, MetricCard, PageHeader, Skeleton } from '../../ui';
import { StatusBadge } from '../../ui/StatusBadge';
import { meQuery } from '../auth';
import { LineChart } from '../components/Chart';
import { FirstRunChecklist } from '../components/first-run/FirstRunChecklist';

const overviewQuery = {
  queryKey: ['/api/v1/analytics/overview'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    requestJson<Overview>('/api/v1/analytics/overview', { signal }),
  refetchInterval: 60_000,
};

function useSeries(metric: 'activations' | 'validations') {
  return useQuery({
    queryKey: ['/api/v1/analytics/timeseries', metric],
    queryFn: ({ signal }) =>
      requestJson<TimeSeries>('/api/v1/analytics/timeseries', {
        query: { metric, interval: 'day', range: '30d' },
        signal,
      }),
  });
}

/** The landing page after sign-in: the licensing business at a glance. */
export function OverviewPage() {
  const me = useQuery(meQuery);
  const overview = useQuery(overviewQuery);
  const activations = useSeries('activations');
  const validations = useSeries('validations');
  const o = overview.data;
  const loading = overview.isPending;
  const currency = 'USD';

  return (
    <>
      <PageHeader
        title="Overview"
        description={
          me.data ? `${me.data.account.name} · your licensing at a glance` : 'Your licensing at a glance.'
        }
      />
      {overview.isError ? (
        <Card>
          <ErrorState
            error={overview.error}
            onRetry={() => void overview.refetch()}
            retrying={overview.isFetching}
          />
        </Card>
      ) : (
        <div className="flex flex-col gap-6">
          <FirstRunChecklist accountId={me.data?.account.id} />
          {o && o.alerts.length > 0 && (
            <ul className="flex flex-col gap-2">
              {o.alerts.map((a) => (
                <li
                  key={a.type}
                  role="status"
                  className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
                >
                  {a.message}
                </li>
              ))}
            </ul>
          )}
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
            <MetricCard
              label="Active licenses"
              value={formatNumber(o?.licenses_by_status.active ?? 0)}
              hint={o ? `${formatNumber(o.licenses_total)} in total` : undefined}
              loading={loading}
            />
            <MetricCard label="Customers" value={formatNumber(o?.customers)} loading={loading} />
            <MetricCard
              label="Active devices (24 h)"
              value={formatNumber(o?.active_devices_24h)}
              loading={loading}
            />
            <MetricCard label="MRR" value={formatMoney(o?.mrr_cents ?? 0, currency)} loading={loading} />
          </div>
          <div className="grid gap-6 lg:grid-cols-3">
            <Card
              title="Activations and validations"
              description="Per day, last 30 days"
              className="lg:col-span-2"
            >
              {activations.isError || validations.isError ? (
                <ErrorState
                  error={activations.error ?? validations.error}
                  onRetry={() => void activations.refetch()}
                />
              ) : activations.isPending || validations.isPending ? (
                <Skeleton className="h-40 w-full" />
              ) : (
                <LineChart
                  series={[
                    {
                      label: 'Activations',
                      color: '#4f46e5',
                      points: activations.data.points.map((p) => ({ at: p.at, value: p.total })),
                    },
                    {
                      label: 'Validations',
                      color: '#10b981',
                      points: validations.data.points.map((p) => ({ at: p.at, value: p.total })),
                    },
                  ]}
                />
              )}
            </Card>
            <Card title="Licenses by status">
              {!o ? (
                <Skeleton className="h-32 w-full" />
              ) : Object.keys(o.licenses_by_status).length === 0 ? (
                <EmptyState title="No licenses yet" />
              ) : (
                <ul className="flex flex-col gap-2">
                  {Object.entries(o.licenses_by_status).map(([status, n]) => (
                    <li key={status} className="flex items-center justify-between gap-2 text-sm">
                      <StatusBadge status={status} />
                      <span className="tabular font-medium">{formatNumber(n)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card title="Tier distribution" flush>
              <DataTable
                caption="Active licenses and MRR per plan"
                rows={o?.tier_distribution}
                rowKey={(t) => t.code}
                loading={loading}
                columns={[
                  { id: 'plan', header: 'Plan', cell: (t) => t.name },
                  {
                    id: 'n',
                    header: 'Active licenses',
                    align: 'right',
                    className: 'tabular',
                    cell: (t) => (
                      <span className="inline-flex items-center gap-2">
                        <span
                          className="inline-block h-2 rounded bg-brand-500"
                          style={{
                            width: `${Math.round((60 * t.licenses) / Math.max(1, ...(o?.tier_distribution.map((x) => x.licenses) ?? [1])))}px`,
                          }}
                        />
                        {formatNumber(t.licenses)}
                      </span>
                    ),
                  },
                  {
                    id: 'mrr',
                    header: 'MRR',
                    align: 'right',
                    className: 'tabular',
                    cell: (t) => formatMoney(t.mrr_cents, currency),
                  },
                ]}
                empty={<EmptyState title="No plans yet" />}
              />
            </Card>
            <Card
              title="Expiring in 30 days"
              description={o ? `${formatNumber(o.expiring_30d.count)} licenses` : undefined}
              flush
            >
              <DataTable
                caption="Licenses expiring in the next 30 days"
                rows={o?.expiring_30d.licenses}
                rowKey={(l) => l.id}
                loading={loading}
                columns={[
                  {
                    id: 'key',
                    header: 'License',
                    cell: (l) => (
                      <Link
                        to="/licenses/$id"
                        params={{ id: l.id }}
                        className="font-mono text-xs text-brand-700 hover:underline"
                      >
                        ••••{l.key_last4}
                      </Link>
                    ),
                  },
                  { id: 'plan', header: 'Plan', cell: (l) => l.plan_code },
                  { id: 'expires', header: 'Expires', cell: (l) => formatDate(l.expires_at) },
                ]}
                empty={<EmptyState title="Nothing expires soon" />}
              />
            </Card>
          </div>
          <Card title="Recent activations" flush>
            <DataTable
              caption="The ten latest activations"
              rows={o?.recent_activations}
              rowKey={(a) => a.id}
              loading={loading}
              columns={[
                {
                  id: 'device',
                  header: 'Device',
                  cell: (a) => <span className="font-mono text-xs">{a.device_id}</span>,
                },
                { id: 'platform', header: 'Platform', cell: (a) => a.platform ?? '—', secondary: true },
                {
                  id: 'license',
                  header: 'License',
                  cell: (a) => (
                    <Link
                      to="/licenses/$id"
                      params={{ id: a.license_id }}
                      className="text-brand-700 hover:underline"
                    >
                      Open
                    </Link>
                  ),
                },
                { id: 'at', header: 'When', cell: (a) => formatRelative(a.activated_at) },
              ]}
              empty={
                <EmptyState
                  title="No activations yet"
                  description="Devices appear here when they activate a key."
                />
              }
            />
          </Card>
        </div>
      )}
    </>
  );
}
