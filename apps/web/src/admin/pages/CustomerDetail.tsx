import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { License } from '../../api/resources';
import { formatDate, formatNumber } from '../../lib/format';
import { Button, buttonClass, Card, type Column, ErrorState, MetricCard, PageHeader } from '../../ui';
import { StatusBadge } from '../../ui/StatusBadge';
import { displayName, useCustomer } from '../components/customers';
import { ListView } from '../components/ListView';
import { useLocalListState } from '../components/useListState';
import { useCan } from '../hooks';
import { IssueLicenseDialog } from './Licenses';

const licenseColumns: Column<License>[] = [
  {
    id: 'key',
    header: 'Key',
    cell: (l) => (
      <Link
        to="/licenses/$id"
        params={{ id: l.id }}
        className="font-mono text-xs text-brand-700 hover:underline"
      >
        {l.key_masked}
      </Link>
    ),
  },
  { id: 'plan', header: 'Plan', cell: (l) => l.plan_name },
  { id: 'status', header: 'Status', cell: (l) => <StatusBadge status={l.effective_status} /> },
  { id: 'expires', header: 'Expires', cell: (l) => (l.expires_at ? formatDate(l.expires_at) : 'Never') },
];

/** A customer with their licenses and device count. */
export function CustomerDetailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const [issuing, setIssuing] = useState(false);
  const canIssue = useCan('licenses:create');
  const licenses = useLocalListState();
  const customer = useCustomer(id);
  if (customer.isError)
    return (
      <Card>
        <ErrorState error={customer.error} onRetry={() => void customer.refetch()} />
      </Card>
    );
  const c = customer.data;
  return (
    <>
      <PageHeader
        title={c ? displayName(c) : 'Customer'}
        description={c ? c.email : undefined}
        actions={
          c && (
            <>
              <Link to="/orders" search={{ customer_id: c.id }} className={buttonClass('secondary')}>
                Orders
              </Link>
              {canIssue && <Button onClick={() => setIssuing(true)}>Issue license</Button>}
            </>
          )
        }
      />
      <div className="flex flex-col gap-6">
        <div className="grid gap-4 sm:grid-cols-3">
          <MetricCard label="Status" value={c && <StatusBadge status={c.status} />} loading={!c} />
          <MetricCard label="Licenses" value={formatNumber(c?.license_count ?? null)} loading={!c} />
          <MetricCard label="Active devices" value={formatNumber(c?.active_devices ?? null)} loading={!c} />
        </div>
        <section aria-labelledby="customer-licenses" className="flex flex-col gap-3">
          <h2 id="customer-licenses" className="text-base font-semibold text-zinc-900">
            Licenses
          </h2>
          <ListView<License>
            endpoint="/api/v1/licenses"
            caption="Licenses of this customer"
            columns={licenseColumns}
            state={licenses}
            query={{ customer_id: id }}
            empty={{ title: 'No licenses', description: 'Issue one from a plan.' }}
          />
        </section>
      </div>
      {c && <IssueLicenseDialog open={issuing} onClose={() => setIssuing(false)} customer={c} />}
    </>
  );
}
