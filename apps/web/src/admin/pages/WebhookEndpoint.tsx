import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { Card, ErrorState, PageHeader, Skeleton } from '../../ui';
import { DeliveryLog } from '../webhooks/DeliveryLog';
import { EndpointActions } from '../webhooks/EndpointActions';
import { EndpointSummary } from '../webhooks/EndpointSummary';

/** One webhook endpoint: its settings and status, its actions and its delivery log. */
export function WebhookEndpointPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const endpoint = useQuery({
    queryKey: ['/api/v1/webhook-endpoints', id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/webhook-endpoints/{id}', { params: { path: { id } }, signal })),
    // Deliveries change its status (failing, disabled): keep up without a reload.
    refetchInterval: 5_000,
  });
  const e = endpoint.data;

  if (endpoint.isError)
    return (
      <Card>
        <ErrorState
          error={endpoint.error}
          onRetry={() => void endpoint.refetch()}
          title="Could not load this webhook endpoint"
        />
      </Card>
    );

  return (
    <>
      <PageHeader
        title="Webhook endpoint"
        description={
          <Link to="/settings" className="text-brand-700 hover:underline">
            ← Settings
          </Link>
        }
        actions={e && <EndpointActions endpoint={e} />}
      />
      <div className="flex flex-col gap-6">
        <Card title="Endpoint">
          {e ? <EndpointSummary endpoint={e} /> : <Skeleton className="h-24 w-full" />}
        </Card>
        <section aria-labelledby="webhook-deliveries" className="flex flex-col gap-3">
          <h2 id="webhook-deliveries" className="text-base font-semibold text-zinc-900">
            Deliveries
          </h2>
          <DeliveryLog endpointId={id} />
        </section>
      </div>
    </>
  );
}
