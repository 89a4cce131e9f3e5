import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { toApiError } from '../../api/errors';
import { formatDateTime, formatRelative } from '../../lib/format';
import {
  Badge,
  type BadgeTone,
  Button,
  Card,
  type Column,
  DataTable,
  EmptyState,
  ErrorState,
  Pagination,
  statusLabel,
} from '../../ui';
import { useLocalListState } from '../components/useListState';
import { useCan, useInvalidate, useSubmit } from '../hooks';
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

/** "Retry" on an event that needed attention (once its plan's price is mapped, say): applied again. */
function RetryButton({ event }: { event: PaymentEvent }) {
  const invalidate = useInvalidate();
  const { busy, error, run } = useSubmit();
  return (
    <span className="flex flex-col items-end">
      <Button
        size="sm"
        variant="secondary"
        loading={busy}
        onClick={() =>
          void run(async () => {
            await unwrap(
              api.POST('/api/v1/payment-events/{id}/retry', { params: { path: { id: event.id } } }),
            );
            await invalidate('/api/v1/payment-events');
          })
        }
      >
        Retry
      </Button>
      {error && (
        <span role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}

const retryColumn: Column<PaymentEvent> = {
  id: 'retry',
  header: <span className="sr-only">Actions</span>,
  cell: (e) => (e.status === 'needs_attention' ? <RetryButton event={e} /> : null),
};

/** Stripe's events as this server received them and how each was applied; a notice without Stripe keys. */
export function PaymentEvents() {
  const canRetry = useCan('orders:write');
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
    // An event being applied (a retry, say) settles within moments: watch until it has.
    refetchInterval: (query) => (query.state.data?.data.some((e) => e.status === 'received') ? 1000 : false),
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
            columns={canRetry ? [...columns, retryColumn] : columns}
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
