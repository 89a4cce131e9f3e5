import { Link } from '@tanstack/react-router';
import { formatDate, formatMoney } from '../../lib/format';
import type { Column } from '../../ui';
import { CustomerCell } from '../components/customers';
import { OrderStatusBadge, orderNumber } from './OrderStatusBadge';
import type { Order } from './types';

/** Columns of order tables: number, customer, status, total and date. */
export const orderColumns: Column<Order>[] = [
  {
    id: 'number',
    header: 'Order',
    cell: (o) => (
      <Link
        to="/orders/$id"
        params={{ id: o.id }}
        className="tabular font-medium text-brand-700 hover:underline"
      >
        {orderNumber(o)}
      </Link>
    ),
  },
  { id: 'customer', header: 'Customer', cell: (o) => <CustomerCell id={o.customer_id} /> },
  { id: 'status', header: 'Status', cell: (o) => <OrderStatusBadge status={o.status} /> },
  {
    id: 'lines',
    header: 'Lines',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (o) => o.items.length,
  },
  {
    id: 'total',
    header: 'Total',
    align: 'right',
    className: 'tabular',
    cell: (o) => formatMoney(o.total_cents, o.currency),
  },
  { id: 'created', header: 'Created', secondary: true, cell: (o) => formatDate(o.created_at) },
];
