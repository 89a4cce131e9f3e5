import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { toApiError } from '../../api/errors';
import { formatDateTime, formatRelative } from '../../lib/format';
import {
  Badge,
  type BadgeTone,
  Card,
  type Column,
  DataTable,
  EmptyState,
  ErrorState,
  Pagination,
  statusLabel,
} from '../../ui';
import { useLocalListState } from '../components/useListState';
import type { PaymentEvent } from './types';

/** The server's answer when it has no Stripe keys: not a fault, a setting. */
const NOT_CONFIGURED = 'PAYMENT_PROVIDER_NOT_CONFIGURED';

const TONES: Record<string, BadgeTone> = {
  received: 'info',
  applied: 'success',
  ignored: 'neutral',
  needs_attention: 'danger',
};

const columns: Column<PaymentEvent>[] = [
  {
    id: 'type',
    header: 'Event',
    cell: (e) => (
      <span className="flex flex-col">
        <span className="font-mono text-xs text-zinc-900">{e.type}</span>
        <span className="font-mono text-xs text-zinc-500">{e.id}</span>
      </span>
    ),
  },
  {
    id: 'status',
    header: 'Status · error',
    cell: (e) => (
      <span className="text-xs">
        <Badge tone={TONES[e.status] ?? 'neutral'}>{statusLabel(e.status)}</Badge>
        {!e.livemode && <span className="ml-2 text-zinc-500">Test mode</span>}
        {e.error && (
          <span className="mt-1 block max-w-80 truncate text-red-800" title={e.error}>
            {e.error}
          </span>
        )}
      </span>
    ),
  },
  {
    id: 'received',
    header: 'Received',
    secondary: true,
    cell: (e) => (
      <time dateTime={e.received_at} title={formatDateTime(e.received_at)}>
        {formatRelative(e.received_at)}
      </time>
    ),
  },
];

/** Stripe's events as this server received them and how each was applied; a notice without Stripe keys. */
export function PaymentEvents() {
  const state = useLocalListState();
  const { offset, limit } = state;
  const events = useQuery({
    queryKey: ['/api/v1/payment-events', { offset, limit }],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/payment-events', { params: { query: { offset, limit } }, signal })),
    placeholderData: keepPreviousData,
    // Not set up is an answer, not a fault: asking again (or on coming back to the page) will not change
    // it until the server restarts with the keys.
    retry: (count, error) => toApiError(error).code !== NOT_CONFIGURED && count < 2,
    retryOnMount: false,
  });
  const notConfigured = events.isError && toApiError(events.error).code === NOT_CONFIGURED;
  const rows = events.data?.data;

  return (
    <Card
      aria-label="Payment events"
      title="Payment events"
      description="What Stripe told this server, newest first, and how each event was applied."
      flush
    >
      {notConfigured ? (
        <p role="note" className="m-4 rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700 sm:m-5">
          <span className="font-medium">Stripe is not set up:</span> set{' '}
          <code className="font-mono text-xs">STRIPE_SECRET_KEY</code> and{' '}
          <code className="font-mono text-xs">STRIPE_WEBHOOK_SECRET</code> and restart Keyward. Orders paid by
          other means are recorded by hand with Record payment.
        </p>
      ) : events.isError && !rows ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} retrying={events.isFetching} />
      ) : (
        <>
          <DataTable
            caption="Payment events"
            columns={columns}
            rows={rows}
            rowKey={(e) => e.id}
            loading={events.isPending}
            skeletonRows={3}
            empty={
              <EmptyState
                title="No payment events yet"
                description="Stripe's webhook events appear here once Stripe sends them to /api/v1/webhooks/stripe."
              />
            }
          />
          {rows && (rows.length > 0 || offset > 0) && (
            <Pagination
              offset={offset}
              limit={limit}
              count={rows.length}
              hasMore={events.data?.pagination.has_more ?? false}
              onOffsetChange={(next) => state.update({ offset: next })}
              onLimitChange={(next) => state.update({ limit: next })}
              disabled={events.isFetching}
            />
          )}
        </>
      )}
    </Card>
  );
}
