import type { Plan } from '../../api/resources';
import { formatMoney, formatNumber } from '../../lib/format';
import { Badge, type Column, PageHeader } from '../../ui';
import { statusLabel } from '../../ui/StatusBadge';
import { ListView } from '../components/ListView';

const columns: Column<Plan>[] = [
  {
    id: 'name',
    header: 'Plan',
    cell: (p) => (
      <div>
        <div className="font-medium text-zinc-900">{p.name}</div>
        <div className="font-mono text-xs text-zinc-500">{p.code}</div>
      </div>
    ),
  },
  { id: 'type', header: 'License type', cell: (p) => statusLabel(p.license_type), secondary: true },
  {
    id: 'monthly',
    header: 'Monthly',
    align: 'right',
    className: 'tabular',
    cell: (p) => formatMoney(p.price_monthly_cents, p.currency),
  },
  {
    id: 'yearly',
    header: 'Yearly',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (p) => formatMoney(p.price_yearly_cents, p.currency),
  },
  {
    id: 'devices',
    header: 'Max devices',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (p) => (p.max_activations == null ? 'Unlimited' : formatNumber(p.max_activations)),
  },
  {
    id: 'visibility',
    header: 'Visibility',
    cell: (p) => (
      <div className="flex gap-1">
        {p.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
        {p.public && <Badge tone="brand">Public</Badge>}
      </div>
    ),
  },
];

/** Tiers and license templates, ordered by rank. */
export function PlansPage() {
  return (
    <>
      <PageHeader title="Plans" description="Tiers, prices and the entitlements each license gets." />
      <ListView<Plan>
        endpoint="/api/v1/plans"
        caption="Plans"
        columns={columns}
        searchLabel="Search by name or code"
        empty={{
          title: 'No plans yet',
          description: 'A plan defines the price, features and limits of the licenses it issues.',
        }}
      />
    </>
  );
}
