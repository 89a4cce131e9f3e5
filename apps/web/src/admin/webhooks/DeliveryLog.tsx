import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { describeError } from '../../api/errors';
import type { WebhookDelivery } from '../../api/resources';
import { formatDateTime, formatRelative } from '../../lib/format';
import {
  Button,
  type Column,
  DetailItem,
  Dialog,
  NameCell,
  StatusBadge,
  statusOptions,
  useToast,
} from '../../ui';
import { ListView } from '../components/ListView';
import { useLocalListState } from '../components/useListState';
import { useCan, useInvalidate } from '../hooks';

/** While a delivery shown is on its way the log refreshes this often. */
const REFRESH_MS = 2_000;
/** A filtered log may hide deliveries on their way (a resent one leaves "delivered"): this often. */
const FILTERED_REFRESH_MS = 5_000;

function Response({ delivery: d }: { delivery: WebhookDelivery }) {
  if (d.attempts === 0) return <span className="text-xs text-zinc-500">Not sent yet</span>;
  return (
    <span className="text-xs">
      <span className="tabular font-medium text-zinc-900">{d.response_status ?? 'No answer'}</span>
      {d.response_ms !== null && <span className="text-zinc-500"> · {d.response_ms} ms</span>}
      {d.error && <span className="block max-w-xs truncate text-red-800">{d.error}</span>}
    </span>
  );
}

function useResend(endpointId: string) {
  const invalidate = useInvalidate();
  const toast = useToast();
  return async (d: WebhookDelivery) => {
    try {
      await unwrap(
        api.POST('/api/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/resend', {
          params: { path: { id: endpointId, delivery_id: d.id } },
        }),
      );
      toast({ tone: 'success', title: 'Sending again', description: `${d.event_type}, same webhook-id` });
      await invalidate(`/api/v1/webhook-endpoints/${endpointId}`);
    } catch (error) {
      toast({ tone: 'error', title: 'Could not resend', description: describeError(error), duration: 0 });
    }
  };
}

/** One delivery in full: what was sent, every date, and what the receiver answered. */
function DeliveryDetails({ delivery: d, onClose }: { delivery: WebhookDelivery; onClose: () => void }) {
  return (
    <Dialog
      open
      onClose={onClose}
      title={d.event_type}
      description={`Delivery ${d.id}: the webhook-id the receiver saw.`}
      footer={<Button onClick={onClose}>Done</Button>}
    >
      <div className="flex flex-col gap-4 text-sm">
        <dl className="grid gap-3 sm:grid-cols-2">
          <DetailItem label="Status">
            <StatusBadge status={d.status} />
          </DetailItem>
          <DetailItem label="Attempts">{d.attempts}</DetailItem>
          <DetailItem label="Created">{formatDateTime(d.created_at)}</DetailItem>
          <DetailItem label="Last attempt">{formatDateTime(d.last_attempt_at)}</DetailItem>
          {d.next_attempt_at && (
            <DetailItem label="Next attempt">{formatDateTime(d.next_attempt_at)}</DetailItem>
          )}
          {d.delivered_at && <DetailItem label="Delivered">{formatDateTime(d.delivered_at)}</DetailItem>}
          <DetailItem label="Response">
            <Response delivery={{ ...d, error: null }} />
          </DetailItem>
          <DetailItem label="Event id">{d.event_id}</DetailItem>
        </dl>
        {d.error && (
          <div>
            <h3 className="font-medium text-zinc-800">Error</h3>
            <p className="mt-1 rounded-md bg-red-50 px-3 py-2 break-words text-red-800">{d.error}</p>
          </div>
        )}
        <div>
          <h3 className="font-medium text-zinc-800">Response body (first 1 KB)</h3>
          <pre
            className="mt-1 max-h-60 overflow-auto rounded-md bg-zinc-100 p-3 font-mono text-xs whitespace-pre-wrap break-all"
            data-testid="webhook-response-body"
          >
            {d.response_body || '(empty)'}
          </pre>
        </div>
      </div>
    </Dialog>
  );
}

function DeliveryActions({ endpointId, delivery }: { endpointId: string; delivery: WebhookDelivery }) {
  const canWrite = useCan('webhooks:write');
  const resend = useResend(endpointId);
  const [open, setOpen] = useState(false);
  return (
    <span className="inline-flex gap-2">
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>
        Details
      </Button>
      {canWrite && delivery.status !== 'pending' && (
        <Button size="sm" variant="secondary" onClick={() => void resend(delivery)}>
          Resend
        </Button>
      )}
      {open && <DeliveryDetails delivery={delivery} onClose={() => setOpen(false)} />}
    </span>
  );
}

function columnsFor(endpointId: string): Column<WebhookDelivery>[] {
  return [
    {
      id: 'status',
      header: 'Status',
      cell: (d) => (
        <span className="text-xs">
          <StatusBadge status={d.status} />
          {d.next_attempt_at && d.attempts > 0 && (
            <span className="block text-zinc-500" title={formatDateTime(d.next_attempt_at)}>
              next attempt {formatRelative(d.next_attempt_at)}
            </span>
          )}
        </span>
      ),
    },
    {
      id: 'event',
      header: 'Event · webhook-id',
      cell: (d) => (
        <NameCell name={<span className="font-mono text-xs">{d.event_type}</span>} sub={d.id} mono />
      ),
    },
    { id: 'attempts', header: 'Attempts', align: 'right', className: 'tabular', cell: (d) => d.attempts },
    { id: 'response', header: 'Response', cell: (d) => <Response delivery={d} /> },
    {
      id: 'when',
      header: 'When',
      secondary: true,
      cell: (d) => <time dateTime={d.created_at}>{formatDateTime(d.created_at)}</time>,
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (d) => <DeliveryActions endpointId={endpointId} delivery={d} />,
    },
  ];
}

/**
 * An endpoint's delivery log, newest first, filtered by status: refreshes every 2 seconds while a
 * delivery is on its way (every 5 while filtered); each row opens to the receiver's answer and may be
 * sent again.
 */
export function DeliveryLog({ endpointId }: { endpointId: string }) {
  const state = useLocalListState();
  return (
    <ListView<WebhookDelivery>
      endpoint={`/api/v1/webhook-endpoints/${endpointId}/deliveries`}
      caption="Deliveries"
      columns={columnsFor(endpointId)}
      state={state}
      statusOptions={statusOptions(['pending', 'delivered', 'failed'])}
      refreshEvery={(rows) =>
        rows.some((d) => d.status === 'pending') ? REFRESH_MS : state.status ? FILTERED_REFRESH_MS : false
      }
      empty={{
        title: 'No deliveries yet',
        description:
          'Each event this endpoint asked for appears here as it is sent. Send a test event to try.',
      }}
    />
  );
}
