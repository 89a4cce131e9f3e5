import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { requestJson } from '../../api/client';
import type { License } from '../../api/resources';
import { formatMoney } from '../../lib/format';
import { type Column, DataTable } from '../../ui';
import { PlanName } from '../subscriptions/labels';
import { OrderTotals } from './OrderTotals';
import { cycleLabel, type Order, type OrderItem } from './types';

const linkClass = 'text-brand-700 hover:underline';

/** The license a line issued, named by the end of its key (cached with the license page). */
function LicenseLink({ id }: { id: string }) {
  const license = useQuery({
    queryKey: ['/api/v1/licenses', id],
    queryFn: ({ signal }) => requestJson<License>(`/api/v1/licenses/${id}`, { signal }),
  });
  const last4 = license.data?.key_last4;
  return (
    <Link to="/licenses/$id" params={{ id }} className={linkClass}>
      License{last4 && <span className="font-mono text-xs"> …{last4}</span>}
    </Link>
  );
}

/** What a line issued once the order was fulfilled: its license, and its subscription when recurring. */
function Issued({ item }: { item: OrderItem }) {
  if (!item.license_id && !item.subscription_id) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-col items-start gap-0.5">
      {item.license_id && <LicenseLink id={item.license_id} />}
      {item.subscription_id && (
        <Link to="/subscriptions/$id" params={{ id: item.subscription_id }} className={linkClass}>
          Subscription
        </Link>
      )}
    </span>
  );
}

function columns(currency: string): Column<OrderItem>[] {
  const money = (cents: number) => formatMoney(cents, currency);
  return [
    {
      id: 'line',
      header: 'Line',
      className: 'max-w-72 whitespace-normal',
      cell: (i) => (
        <span className="flex flex-col">
          <span className="font-medium text-zinc-900">{i.description}</span>
          <span className="text-xs text-zinc-500">
            <PlanName id={i.plan_id} /> · {cycleLabel(i.billing_cycle)}
          </span>
        </span>
      ),
    },
    { id: 'quantity', header: 'Qty', align: 'right', className: 'tabular', cell: (i) => i.quantity },
    {
      id: 'unit',
      header: 'Unit price',
      align: 'right',
      className: 'tabular',
      cell: (i) => money(i.unit_amount_cents),
    },
    {
      id: 'amount',
      header: 'Amount',
      align: 'right',
      className: 'tabular',
      cell: (i) => money(i.amount_cents),
    },
    { id: 'issued', header: 'Issued', cell: (i) => <Issued item={i} /> },
  ];
}

/** An order's lines, what each issued, and the order's totals below them. */
export function OrderLines({ order }: { order: Order }) {
  return (
    <>
      <DataTable
        caption="Lines of this order"
        columns={columns(order.currency)}
        rows={order.items}
        rowKey={(i) => i.id}
      />
      <OrderTotals order={order} />
    </>
  );
}
