import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '../../api/client';
import { formatDate, formatMoney } from '../../lib/format';
import { Button, Card, EmptyState, ErrorState, PrintableDialog, Skeleton, StatusBadge } from '../../ui';
import { customerApi } from '../session';
import { myOrdersQuery, type OwnOrder } from './queries';

/** My orders, each paid one with its printable receipt. */
export function OrdersCard() {
  const orders = useQuery(myOrdersQuery);
  const [receipt, setReceipt] = useState<OwnOrder | null>(null);
  return (
    <Card title="Orders" description="What you bought, with a receipt for each paid order." flush>
      {orders.isPending && <Skeleton className="m-4 h-16" />}
      {orders.isError && <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />}
      {orders.data?.data.length === 0 && <EmptyState title="No orders yet" />}
      {orders.data && orders.data.data.length > 0 && (
        <ul className="divide-y divide-zinc-200">
          {orders.data.data.map((o) => (
            <li
              key={o.id}
              className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm sm:px-5"
            >
              <div className="min-w-0">
                <div className="font-medium text-zinc-900">
                  Order #{o.number} · {formatMoney(o.total_cents, o.currency)}
                </div>
                <div className="text-xs text-zinc-500">
                  {formatDate(o.created_at)} · {o.items.map((i) => i.description).join(', ')}
                </div>
              </div>
              <span className="flex items-center gap-3">
                <StatusBadge status={o.status} />
                {o.has_receipt && (
                  <Button size="sm" variant="secondary" onClick={() => setReceipt(o)}>
                    Receipt
                  </Button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {receipt && (
        <PrintableDialog
          title={`Receipt #${receipt.number}`}
          description="Print it, or save it as a PDF from the print dialog."
          queryKey={['portal-me', 'orders', receipt.id, 'receipt']}
          load={(signal) =>
            unwrap(
              customerApi.GET('/api/v1/portal/me/orders/{id}/receipt', {
                params: { path: { id: receipt.id } },
                parseAs: 'text',
                signal,
              }),
            )
          }
          onClose={() => setReceipt(null)}
        />
      )}
    </Card>
  );
}
