import { api, unwrap } from '../../api/client';
import { PrintableDialog } from '../../ui';
import { orderNumber } from './OrderStatusBadge';
import type { Order } from './types';

/** The printable receipt of a paid order, as the customer received it. */
export function ReceiptDialog({ order, onClose }: { order: Order; onClose: () => void }) {
  return (
    <PrintableDialog
      title={`Receipt ${orderNumber(order)}`}
      description="As the customer received it by email. Print it, or save it as a PDF from the print dialog."
      queryKey={['/api/v1/orders', order.id, 'receipt', order.updated_at]}
      load={(signal) =>
        unwrap(
          api.GET('/api/v1/orders/{id}/receipt', {
            params: { path: { id: order.id } },
            parseAs: 'text',
            signal,
          }),
        )
      }
      onClose={onClose}
    />
  );
}
