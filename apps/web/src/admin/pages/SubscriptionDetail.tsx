import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { License } from '../../api/resources';
import { Button, Card, DataTable, EmptyState, ErrorState, PageHeader, Skeleton } from '../../ui';
import { StatusBadge } from '../../ui/StatusBadge';
import { CustomerName } from '../components/customers';
import { eventColumns } from '../components/events';
import { ListView } from '../components/ListView';
import { useLocalListState } from '../components/useListState';
import { useCan, usePlan } from '../hooks';
import { ActionDialog } from '../subscriptions/ActionDialog';
import { ACTIONS, availableActions, type SubscriptionAction } from '../subscriptions/actions';
import { SubscriptionSummary } from '../subscriptions/Summary';
import { licenseColumns } from './Licenses';

const LICENSE_COLUMNS = ['key', 'plan', 'status', 'seats', 'expires'];
const columns = licenseColumns.filter((c) => LICENSE_COLUMNS.includes(c.id));

/** One subscription: where it stands, the licenses it drives, its history and the billing actions. */
export function SubscriptionDetailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const [action, setAction] = useState<SubscriptionAction | null>(null);
  const canWrite = useCan('subscriptions:write');
  const licenses = useLocalListState();
  const subscription = useQuery({
    queryKey: ['/api/v1/subscriptions', id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/subscriptions/{id}', { params: { path: { id } }, signal })),
  });
  const events = useQuery({
    queryKey: ['/api/v1/events', { subject_id: id }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/events', { params: { query: { subject_id: id, limit: 25, offset: 0 } }, signal }),
      ),
  });
  const s = subscription.data;
  const plan = usePlan(s?.plan_id).data;

  if (subscription.isError)
    return (
      <Card>
        <ErrorState
          error={subscription.error}
          onRetry={() => void subscription.refetch()}
          title="Could not load this subscription"
        />
      </Card>
    );

  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {plan ? `${plan.name} subscription` : 'Subscription'}
            {s && (
              <span data-testid="subscription-status" className="text-base">
                <StatusBadge status={s.status} />
              </span>
            )}
          </span>
        }
        description={
          <>
            <Link to="/subscriptions" className="text-brand-700 hover:underline">
              ← All subscriptions
            </Link>
            {s && (
              <>
                {' · '}
                <Link
                  to="/customers/$id"
                  params={{ id: s.customer_id }}
                  className="text-brand-700 hover:underline"
                >
                  <CustomerName id={s.customer_id} />
                </Link>
              </>
            )}
          </>
        }
        actions={
          s &&
          canWrite &&
          availableActions(s).map((a) => (
            <Button
              key={a}
              size="sm"
              variant={ACTIONS[a].tone === 'danger' ? 'danger' : 'secondary'}
              onClick={() => setAction(a)}
            >
              {ACTIONS[a].label}
            </Button>
          ))
        }
      />
      <div className="flex flex-col gap-6">
        <Card title="Summary">
          {s ? <SubscriptionSummary subscription={s} plan={plan} /> : <Skeleton className="h-24 w-full" />}
        </Card>
        <section aria-labelledby="subscription-licenses" className="flex flex-col gap-3">
          <h2 id="subscription-licenses" className="text-base font-semibold text-zinc-900">
            Licenses
          </h2>
          <ListView<License>
            endpoint="/api/v1/licenses"
            caption="Licenses of this subscription"
            columns={columns}
            state={licenses}
            query={{ subscription_id: id }}
            empty={{
              title: 'No licenses',
              description: 'Licenses attached to this subscription follow its payments and cancellation.',
            }}
          />
        </section>
        <Card title="History" flush>
          {events.isError ? (
            <ErrorState error={events.error} onRetry={() => void events.refetch()} />
          ) : (
            <DataTable
              caption="Events of this subscription"
              columns={eventColumns}
              rows={events.data?.data}
              rowKey={(e) => e.id}
              loading={events.isPending}
              empty={<EmptyState title="No events" />}
            />
          )}
        </Card>
      </div>
      {s && action && (
        <ActionDialog
          key={action}
          subscription={s}
          plan={plan}
          action={action}
          onClose={() => setAction(null)}
        />
      )}
    </>
  );
}
