import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { formatDate, formatRelative } from '../../lib/format';
import { Card, ErrorState, Icon, MetricCard, PageHeader } from '../../ui';
import { meQuery, ROLE_LABELS } from '../auth';
import { NAV_ITEMS } from '../nav';

const NEXT_STEPS = [
  { to: '/plans', text: 'Define the plans you sell and the features each one unlocks.' },
  { to: '/customers', text: 'Add or import your customers.' },
  { to: '/licenses', text: 'Issue license keys and watch devices activate them.' },
] as const;

/**
 * The landing page after sign-in. For now it summarises the session from `/auth/me`; the analytics
 * overview (licenses by status, MRR, churn, activations) takes its place when the analytics API lands.
 */
export function OverviewPage() {
  const me = useQuery(meQuery);
  const loading = me.isPending;
  const firstName = me.data?.user.name.split(' ')[0];

  return (
    <>
      <PageHeader
        title={firstName ? `Welcome back, ${firstName}` : 'Overview'}
        description={
          me.data ? `${me.data.account.name} · ${me.data.account.slug}` : 'Your licensing at a glance.'
        }
      />
      {me.isError ? (
        <Card>
          <ErrorState error={me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />
        </Card>
      ) : (
        <div className="flex flex-col gap-6">
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
            <MetricCard
              label="Account"
              value={me.data?.account.name}
              hint={me.data?.account.slug}
              loading={loading}
            />
            <MetricCard
              label="Your role"
              value={me.data ? ROLE_LABELS[me.data.user.role] : null}
              hint={me.data?.user.email}
              loading={loading}
            />
            <MetricCard
              label="Last sign-in"
              value={me.data?.user.last_login_at ? formatRelative(me.data.user.last_login_at) : 'First time'}
              loading={loading}
            />
            <MetricCard label="Member since" value={formatDate(me.data?.user.created_at)} loading={loading} />
          </div>
          <Card title="Get started" description="The usual path from an empty account to licensed users.">
            <ol className="flex flex-col divide-y divide-zinc-100">
              {NEXT_STEPS.map((step, index) => {
                const item = NAV_ITEMS.find((n) => n.to === step.to);
                return (
                  <li key={step.to} className="flex items-center gap-3 py-3 first:pt-0 last:pb-0">
                    <span className="grid size-7 shrink-0 place-items-center rounded-full bg-brand-50 text-xs font-semibold text-brand-700">
                      {index + 1}
                    </span>
                    <p className="flex-1 text-sm text-zinc-700">{step.text}</p>
                    <Link
                      to={step.to}
                      className="inline-flex items-center gap-1 rounded text-sm font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600"
                    >
                      {item?.label}
                      <Icon name="chevronRight" className="size-3.5" />
                    </Link>
                  </li>
                );
              })}
            </ol>
          </Card>
        </div>
      )}
    </>
  );
}
