import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { Subscription } from '../../api/resources';
import { formatDate } from '../../lib/format';
import { Button, type Column, PageHeader } from '../../ui';
import { StatusBadge, statusOptions } from '../../ui/StatusBadge';
import { CustomerCell } from '../components/customers';
import { ListView } from '../components/ListView';
import { useCan } from '../hooks';
import { PlanName, priceLabel } from '../subscriptions/labels';
import { NewSubscriptionDialog } from '../subscriptions/NewSubscriptionDialog';

const columns: Column<Subscription>[] = [
  {
    id: 'plan',
    header: 'Subscription',
    cell: (s) => (
      <Link
        to="/subscriptions/$id"
        params={{ id: s.id }}
        className="font-medium text-brand-700 hover:underline"
      >
        <PlanName id={s.plan_id} />
      </Link>
    ),
  },
  {
    id: 'customer',
    header: 'Customer',
    cell: (s) => <CustomerCell id={s.customer_id} email={s.customer_email} company={s.customer_company} />,
  },
  { id: 'status', header: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
  { id: 'price', header: 'Price', align: 'right', className: 'tabular', cell: priceLabel },
  {
    id: 'seats',
    header: 'Quantity',
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
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('subscriptions:write');
  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Recurring agreements, their billing cycle and next renewal."
        actions={canWrite && <Button onClick={() => setCreating(true)}>New subscription</Button>}
      />
      <ListView<Subscription>
        endpoint="/api/v1/subscriptions"
        caption="Subscriptions"
        columns={columns}
        searchLabel="Search by customer or plan"
        statusOptions={statusOptions(['trialing', 'active', 'past_due', 'canceled', 'expired', 'suspended'])}
        empty={{
          title: 'No subscriptions yet',
          description: 'Subscriptions are created by checkout, by an order or by hand with New subscription.',
        }}
      />
      {creating && <NewSubscriptionDialog onClose={() => setCreating(false)} />}
    </>
  );
}
