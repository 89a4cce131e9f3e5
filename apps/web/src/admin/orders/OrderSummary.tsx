import { Link } from '@tanstack/react-router';
import { formatDateTime, formatMoney } from '../../lib/format';
import { DetailItem } from '../../ui';
import { CustomerName } from '../components/customers';
import { OrderStatusBadge } from './OrderStatusBadge';
import type { Order } from './types';

/** "Manual · INV-42", "Stripe · cs_…", or a dash before payment. */
function paymentLabel(o: Order): string {
  if (!o.payment_provider) return '—';
  const provider = o.payment_provider === 'manual' ? 'Recorded by hand' : o.payment_provider;
  return o.payment_reference ? `${provider} · ${o.payment_reference}` : provider;
}

/** Who the order is for, where it stands, what it comes to and how it was paid. */
export function OrderSummary({ order: o }: { order: Order }) {
  return (
    <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
      <DetailItem label="Customer">
        <Link to="/customers/$id" params={{ id: o.customer_id }} className="text-brand-700 hover:underline">
          <CustomerName id={o.customer_id} />
        </Link>
      </DetailItem>
      <DetailItem label="Status">
        <OrderStatusBadge status={o.status} />
      </DetailItem>
      <DetailItem label="Total">
        <span className="tabular font-medium">{formatMoney(o.total_cents, o.currency)}</span>
      </DetailItem>
      <DetailItem label="Created">{formatDateTime(o.created_at)}</DetailItem>
      <DetailItem label="Payment" testId="order-payment">
        {paymentLabel(o)}
      </DetailItem>
      <DetailItem label="Approval">
        {o.requires_approval ? 'Needs an owner or admin' : 'Not needed'}
      </DetailItem>
      {o.notes && (
        <div className="sm:col-span-2">
          <DetailItem label="Notes">
            <span className="whitespace-pre-wrap">{o.notes}</span>
          </DetailItem>
        </div>
      )}
    </dl>
  );
}
