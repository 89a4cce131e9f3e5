import { Badge, type BadgeTone, statusLabel } from '../../ui';
import type { Order, OrderStatus } from './types';

const TONES: Record<OrderStatus, BadgeTone> = {
  draft: 'neutral',
  pending_approval: 'warning',
  approved: 'info',
  paid: 'brand',
  fulfilled: 'success',
  cancelled: 'neutral',
  refunded: 'danger',
};

/** An order's status in words and colour ("Pending approval" waits for an owner or admin). */
export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <Badge tone={TONES[status] ?? 'neutral'}>{statusLabel(status)}</Badge>;
}

/** "#1001". */
export const orderNumber = (o: Pick<Order, 'number'>) => `#${o.number}`;
