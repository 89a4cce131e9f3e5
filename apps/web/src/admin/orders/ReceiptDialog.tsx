import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { api, unwrap } from '../../api/client';
import { Button, Dialog, ErrorState, Skeleton } from '../../ui';
import { orderNumber } from './OrderStatusBadge';
import type { Order } from './types';

/**
 * The printable receipt of a paid order. It needs the staff session, so it is fetched with the API
 * client and shown in a sandboxed frame: no scripts, no forms, no navigation (same origin only so that
 * Print can reach it; without scripts the receipt itself can do nothing with it).
 */
export function ReceiptDialog({ order, onClose }: { order: Order; onClose: () => void }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const receipt = useQuery({
    queryKey: ['/api/v1/orders', order.id, 'receipt', order.updated_at],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/orders/{id}/receipt', {
          params: { path: { id: order.id } },
          parseAs: 'text',
          signal,
        }),
      ),
  });
  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title={`Receipt ${orderNumber(order)}`}
      description="As the customer received it by email. Print it, or save it as a PDF from the print dialog."
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Done
          </Button>
          <Button disabled={!receipt.data} onClick={() => frame.current?.contentWindow?.print()}>
            Print
          </Button>
        </>
      }
    >
      {receipt.isError ? (
        <ErrorState
          error={receipt.error}
          onRetry={() => void receipt.refetch()}
          title="Could not load the receipt"
        />
      ) : receipt.data === undefined ? (
        <Skeleton className="h-[60vh] w-full" />
      ) : (
        <iframe
          ref={frame}
          title={`Receipt ${orderNumber(order)}`}
          sandbox="allow-same-origin allow-modals"
          srcDoc={receipt.data}
          referrerPolicy="no-referrer"
          className="h-[60vh] w-full rounded-md border border-zinc-200 bg-white"
        />
      )}
    </Dialog>
  );
}
