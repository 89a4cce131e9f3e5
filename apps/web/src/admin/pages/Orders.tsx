import { Link, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { Button, PageHeader } from '../../ui';
import { statusOptions } from '../../ui/StatusBadge';
import { CustomerName } from '../components/customers';
import { ListView } from '../components/ListView';
import { useCan } from '../hooks';
import { orderColumns } from '../orders/columns';
import { NewOrderDialog } from '../orders/NewOrderDialog';
import { PaymentEvents } from '../orders/PaymentEvents';
import type { OrdersSearch } from '../orders/search';
import { ORDER_STATUSES, type Order } from '../orders/types';

/** The customer the list is narrowed to, with the way back to every customer's orders. */
function CustomerFilter({ id }: { id: string }) {
  return (
    <p className="flex h-10 items-center gap-2 text-sm text-zinc-700">
      <span>
        Orders of{' '}
        <Link to="/customers/$id" params={{ id }} className="font-medium text-brand-700 hover:underline">
          <CustomerName id={id} />
        </Link>
      </span>
      <Link
        to="/orders"
        search={({ customer_id: _, ...rest }: OrdersSearch) => rest}
        className="text-brand-700 hover:underline"
      >
        Show all customers
      </Link>
    </p>
  );
}

/** Sales to customers: drafts, approvals, payments and what they issued; Stripe's events below. */
export function OrdersPage() {
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('orders:write');
  const { customer_id } = useSearch({ strict: false }) as OrdersSearch;
  return (
    <>
      <PageHeader
        title="Orders"
        description="Sales to your customers: priced from plans, approved, paid, then fulfilled with licenses."
        actions={canWrite && <Button onClick={() => setCreating(true)}>New order</Button>}
      />
      <div className="flex flex-col gap-6">
        <ListView<Order>
          endpoint="/api/v1/orders"
          caption="Orders"
          columns={orderColumns}
          statusOptions={statusOptions(ORDER_STATUSES)}
          query={{ customer_id }}
          toolbar={customer_id && <CustomerFilter id={customer_id} />}
          empty={{
            title: 'No orders yet',
            description: 'Orders are created by Stripe Checkout or by hand with New order.',
          }}
        />
        <PaymentEvents />
      </div>
      {creating && <NewOrderDialog onClose={() => setCreating(false)} />}
    </>
  );
}
