import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Button, Card, DataTable, EmptyState, ErrorState, PageHeader, Skeleton } from '../../ui';
import { eventColumns } from '../components/events';
import { useRole } from '../hooks';
import { availableOrderActions, ORDER_ACTIONS, type OrderAction } from '../orders/actions';
import { OrderActionDialog } from '../orders/OrderActionDialog';
import { OrderLines } from '../orders/OrderLines';
import { OrderStatusBadge, orderNumber } from '../orders/OrderStatusBadge';
import { OrderSummary } from '../orders/OrderSummary';
import { OrderTimeline } from '../orders/OrderTimeline';
import { ReceiptDialog } from '../orders/ReceiptDialog';
import { hasReceipt } from '../orders/types';
import { can } from '../permissions';

/** One order: its lines and totals, where it stands and when it got there, and the staff actions. */
export function OrderDetailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const [action, setAction] = useState<OrderAction | null>(null);
  const [receipt, setReceipt] = useState(false);
  const role = useRole();
  const order = useQuery({
    queryKey: ['/api/v1/orders', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/orders/{id}', { params: { path: { id } }, signal })),
  });
  const events = useQuery({
    queryKey: ['/api/v1/events', { subject_id: id }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/events', { params: { query: { subject_id: id, limit: 25, offset: 0 } }, signal }),
      ),
  });
  const o = order.data;

  if (order.isError)
    return (
      <Card>
        <ErrorState
          error={order.error}
          onRetry={() => void order.refetch()}
          title="Could not load this order"
        />
      </Card>
    );

  const actions = o ? availableOrderActions(o, (a) => can(role, a)) : [];
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {o ? `Order ${orderNumber(o)}` : 'Order'}
            {o && (
              <span data-testid="order-status" className="text-base">
                <OrderStatusBadge status={o.status} />
              </span>
            )}
          </span>
        }
        description={
          <Link to="/orders" className="text-brand-700 hover:underline">
            ← All orders
          </Link>
        }
        actions={
          o && (
            <>
              {hasReceipt(o) && (
                <Button size="sm" variant="secondary" onClick={() => setReceipt(true)}>
                  Receipt
                </Button>
              )}
              {actions.map((a) => (
                <Button
                  key={a}
                  size="sm"
                  variant={
                    ORDER_ACTIONS[a].tone === 'danger' ? 'danger' : a === actions[0] ? 'primary' : 'secondary'
                  }
                  onClick={() => setAction(a)}
                >
                  {ORDER_ACTIONS[a].label}
                </Button>
              ))}
            </>
          )
        }
      />
      <div className="flex flex-col gap-6">
        <Card title="Summary">{o ? <OrderSummary order={o} /> : <Skeleton className="h-24 w-full" />}</Card>
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
          <Card title="Lines" flush>
            {o ? <OrderLines order={o} /> : <Skeleton className="m-5 h-32" />}
          </Card>
          <Card title="Timeline">
            {o ? <OrderTimeline order={o} /> : <Skeleton className="h-40 w-full" />}
          </Card>
        </div>
        <Card title="History" flush>
          {events.isError ? (
            <ErrorState error={events.error} onRetry={() => void events.refetch()} />
          ) : (
            <DataTable
              caption="Events of this order"
              columns={eventColumns}
              rows={events.data?.data}
              rowKey={(e) => e.id}
              loading={events.isPending}
              empty={<EmptyState title="No events" />}
            />
          )}
        </Card>
      </div>
      {o && action && (
        <OrderActionDialog key={action} order={o} action={action} onClose={() => setAction(null)} />
      )}
      {o && receipt && <ReceiptDialog order={o} onClose={() => setReceipt(false)} />}
    </>
  );
}
