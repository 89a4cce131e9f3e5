import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import { describeError, toApiError } from '../../api/errors';
import { Button, EmptyState, ErrorState, Skeleton } from '../../ui';
import { LicenseCard } from '../account/LicenseCard';
import { OrdersCard } from '../account/OrdersCard';
import { meQuery, myLicensesQuery, trialText } from '../account/queries';
import { Pricing } from '../components/Pricing';
import { RedirectTo, usePortalNavigate } from '../links';
import { customerApi, portalSession, useSignedIn } from '../session';

/** The signed-in customer's account: licenses and keys, trial banners, orders, billing, buying more. */
export function AccountPage() {
  if (!useSignedIn()) return <RedirectTo to="/sign-in" />;
  return <Account />;
}

function Account() {
  const me = useQuery(meQuery);
  const licenses = useQuery(myLicensesQuery);
  const trials = licenses.data?.data.filter((l) => l.trial) ?? [];
  return (
    <>
      <section className="bg-white">
        <div className="mx-auto flex max-w-4xl flex-wrap items-end justify-between gap-4 px-4 py-10 sm:px-6">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">Your account</h1>
            <p className="mt-1 text-sm text-zinc-600" data-testid="signed-in-as">
              {me.data ? `${me.data.email} · ${me.data.account.name}` : ' '}
            </p>
          </div>
          <div className="flex gap-2">
            <ManageBilling />
            <SignOut />
          </div>
        </div>
      </section>
      <div className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-8 sm:px-6">
        {trials.map((l) => (
          <p
            key={l.id}
            role="status"
            className="rounded-md bg-sky-50 px-4 py-3 text-sm text-sky-900"
            data-testid="trial-banner"
          >
            Your {l.plan_name} trial {trialText(l.trial!)}. Choose a plan below to keep using it.
          </p>
        ))}
        <section aria-labelledby="my-licenses">
          <h2 id="my-licenses" className="text-lg font-semibold text-zinc-900">
            Licenses
          </h2>
          {licenses.isPending && <Skeleton className="mt-3 h-32" />}
          {licenses.isError && <ErrorState error={licenses.error} onRetry={() => void licenses.refetch()} />}
          {licenses.data?.data.length === 0 && (
            <EmptyState title="No licenses yet" description="Licenses you buy appear here with their keys." />
          )}
          <ul className="mt-3 grid gap-4 md:grid-cols-2">
            {licenses.data?.data.map((l) => (
              <LicenseCard key={l.id} license={l} />
            ))}
          </ul>
        </section>
        <OrdersCard />
      </div>
      {me.data && <Pricing account={me.data.account.slug} />}
    </>
  );
}

/** Stripe's billing portal: cards, invoices, changing or cancelling the plan. */
function ManageBilling() {
  const open = useMutation({
    mutationFn: () => unwrap(customerApi.POST('/api/v1/portal/me/billing-portal')),
    onSuccess: (link) => window.location.assign(link.url),
  });
  const error = open.error ? toApiError(open.error) : null;
  return (
    <span className="flex flex-col items-end">
      <Button variant="secondary" loading={open.isPending} onClick={() => open.mutate()}>
        Manage billing
      </Button>
      {error && (
        <span role="alert" className="mt-1 max-w-xs text-right text-xs text-red-700">
          {error.code === 'CONFLICT' || error.code === 'PAYMENT_PROVIDER_NOT_CONFIGURED'
            ? 'Billing is managed by the vendor for your account: contact them to change your plan.'
            : describeError(error)}
        </span>
      )}
    </span>
  );
}

function SignOut() {
  const navigate = usePortalNavigate();
  const queries = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => unwrap(customerApi.POST('/api/v1/portal/sign-out')).catch(() => undefined),
    onSettled: () => {
      portalSession.end();
      queries.removeQueries({ queryKey: ['portal-me'] });
      void navigate('/');
    },
  });
  return (
    <Button variant="secondary" loading={signOut.isPending} onClick={() => signOut.mutate()}>
      Sign out
    </Button>
  );
}
