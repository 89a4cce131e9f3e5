import type { License } from '../../api/resources';
import { formatDate, formatNumber } from '../../lib/format';
import { type Column, PageHeader } from '../../ui';
import { StatusBadge, statusLabel, statusOptions } from '../../ui/StatusBadge';
import { ListView } from '../components/ListView';

/** Keys are shown by their last group only; the full key is revealed on the license page. */
function maskedKey(key: string): string {
  const last = key.slice(-4);
  return `••••-${last}`;
}

const columns: Column<License>[] = [
  {
    id: 'key',
    header: 'Key',
    cell: (l) => <span className="font-mono text-xs text-zinc-800">{maskedKey(l.key)}</span>,
  },
  {
    id: 'customer',
    header: 'Customer',
    cell: (l) =>
      l.customer?.company_name || l.customer?.email || <span className="text-zinc-400">Unassigned</span>,
  },
  { id: 'plan', header: 'Plan', cell: (l) => l.plan?.name ?? '—', secondary: true },
  { id: 'type', header: 'Type', cell: (l) => statusLabel(l.license_type), secondary: true },
  { id: 'status', header: 'Status', cell: (l) => <StatusBadge status={l.status} /> },
  {
    id: 'seats',
    header: 'Devices',
    align: 'right',
    cell: (l) =>
      `${formatNumber(l.activations_count ?? 0)} / ${l.max_activations == null ? '∞' : formatNumber(l.max_activations)}`,
    className: 'tabular',
  },
  { id: 'expires', header: 'Expires', cell: (l) => (l.expires_at ? formatDate(l.expires_at) : 'Never') },
];

/** Every license key issued by the account, with status and seat usage. */
export function LicensesPage() {
  return (
    <>
      <PageHeader
        title="Licenses"
        description="Keys issued to your customers and how many devices use them."
      />
      <ListView<License>
        endpoint="/api/v1/licenses"
        caption="Licenses"
        columns={columns}
        searchLabel="Search by key, customer or email"
        statusOptions={statusOptions(['pending', 'active', 'suspended', 'expired', 'revoked'])}
        empty={{
          title: 'No licenses yet',
          description: 'Licenses are created from a plan, by an order, or by a subscription.',
        }}
      />
    </>
  );
}
