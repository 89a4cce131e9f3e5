import { Link } from '@tanstack/react-router';
import type { Subscription } from '../../api/resources';
import { formatDate, formatMoney } from '../../lib/format';
import { type Column, PageHeader } from '../../ui';
import { StatusBadge, statusOptions } from '../../ui/StatusBadge';
import { ListView } from '../components/ListView';
import { usePlanOptions } from '../hooks';

const columns: Column<Subscription>[] = [
  {
    id: 'customer',
    header: 'Customer',
    cell: (s) => (
      <Link to="/customers/$id" params={{ id: s.customer_id }} className="text-brand-700 hover:underline">
        Customer {s.customer_id.slice(0, 8)}
      </Link>
    ),
  },
  { id: 'plan', header: 'Plan', cell: (s) => <PlanName id={s.plan_id} /> },
  { id: 'status', header: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
  {
    id: 'price',
    header: 'Price',
    align: 'right',
    className: 'tabular',
    cell: (s) => `${formatMoney(s.price_cents, s.currency)} / ${s.billing_cycle === 'annual' ? 'yr' : 'mo'}`,
  },
  {
    id: 'seats',
    header: 'Seats',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (s) => s.quantity,
  },
  {
    id: 'renews',
    header: 'Renews',
    secondary: true,
    cell: (s) =>
      s.cancel_at_period_end ? `Ends ${formatDate(s.current_period_end)}` : formatDate(s.current_period_end),
  },
];

/** Commercial agreements: plan, cycle, price and renewal. */
export function SubscriptionsPage() {
  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Recurring agreements, their billing cycle and next renewal."
      />
      <ListView<Subscription>
        endpoint="/api/v1/subscriptions"
        caption="Subscriptions"
        columns={columns}
        searchLabel="Search by customer or plan"
        statusOptions={statusOptions(['trialing', 'active', 'past_due', 'canceled', 'expired', 'suspended'])}
        empty={{
          title: 'No subscriptions yet',
          description: 'Subscriptions are created by checkout, by an order or by hand from a customer.',
        }}
      />
    </>
  );
}

function PlanName({ id }: { id: string }) {
  const plans = usePlanOptions();
  return <>{plans.data?.find((p) => p.id === id)?.name ?? '—'}</>;
}
