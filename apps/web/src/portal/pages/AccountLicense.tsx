import { useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import { toApiError } from '../../api/errors';
import { formatDate, formatNumber } from '../../lib/format';
import { Badge, buttonClass, Card, EmptyState, ErrorState, Skeleton, StatusBadge } from '../../ui';
import { myLicenseQuery, type OwnLicenseDetail, trialText } from '../account/queries';
import { DeviceList } from '../components/DeviceList';
import { PortalLink, RedirectTo, usePortalParam } from '../links';
import { customerApi, useSignedIn } from '../session';

/** One of my licenses: key, where it stands, usage against its limits, and my devices. */
export function AccountLicensePage() {
  const id = usePortalParam('id');
  if (!useSignedIn()) return <RedirectTo to="/sign-in" />;
  return <LicenseDetail id={id} />;
}

const back = (
  <PortalLink to="/account" className={buttonClass('secondary', 'sm')}>
    Back to your account
  </PortalLink>
);

function LicenseDetail({ id }: { id: string }) {
  const license = useQuery(myLicenseQuery(id));
  const queries = useQueryClient();
  if (license.isPending) return <Skeleton className="mx-auto mt-10 h-64 max-w-4xl" />;
  if (license.isError) {
    const e = toApiError(license.error);
    return e.status === 404 ? (
      <EmptyState
        icon="search"
        title="License not found"
        description="There is no license with this address among yours."
        action={back}
      />
    ) : (
      <ErrorState error={e} onRetry={() => void license.refetch()} />
    );
  }
  const l = license.data;
  const deactivate = async (activationId: string) => {
    await unwrap(
      customerApi.POST('/api/v1/portal/me/licenses/{id}/devices/{activation_id}/deactivate', {
        params: { path: { id, activation_id: activationId } },
      }),
    );
    await queries.invalidateQueries({ queryKey: ['portal-me', 'licenses'] });
  };
  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">
          {[l.product_name, l.plan_name].filter(Boolean).join(' · ')}
        </h1>
        {back}
      </div>
      {l.trial && (
        <p
          role="status"
          className="rounded-md bg-sky-50 px-4 py-3 text-sm text-sky-900"
          data-testid="trial-banner"
        >
          Your trial {trialText(l.trial)}.
        </p>
      )}
      {l.alerts.map((a) => (
        <p
          key={String(a.message)}
          role="status"
          className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          {String(a.message)}
        </p>
      ))}
      <Card title="License">
        <dl className="grid grid-cols-1 gap-4 text-sm sm:grid-cols-3">
          <div className="sm:col-span-3">
            <dt className="text-zinc-500">Key</dt>
            <dd className="mt-0.5 font-mono break-all" data-testid="license-key">
              {l.key}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Status</dt>
            <dd className="mt-0.5">
              <StatusBadge status={l.status} />{' '}
              {l.is_in_grace_period && <Badge tone="warning">Grace period</Badge>}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Expiry</dt>
            <dd className="mt-0.5 font-medium">
              {l.expires_at ? formatDate(l.expires_at) : 'Never expires'}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Devices</dt>
            <dd className="mt-0.5 font-medium">
              {l.devices.length} of {l.max_activations ?? 'unlimited'}
            </dd>
          </div>
        </dl>
      </Card>
      <Usage usage={l.usage} />
      <Card title="Devices" description="Free a device to use the license on another one.">
        <DeviceList devices={l.devices} onDeactivate={deactivate} />
        <p className="mt-4 text-sm text-zinc-600">
          Computer without internet?{' '}
          <a href="/portal#offline-activation" className="font-medium text-brand-700 hover:underline">
            Get a license file for it
          </a>
        </p>
      </Card>
    </div>
  );
}

function Usage({ usage }: { usage: OwnLicenseDetail['usage'] }) {
  if (usage.length === 0) return null;
  return (
    <Card title="Usage" description="What this license used against its limits.">
      <ul className="flex flex-col gap-3 text-sm">
        {usage.map((u) => (
          <li key={u.name}>
            <div className="flex justify-between">
              <span className="font-medium text-zinc-900">{u.name}</span>
              <span className="text-zinc-600">
                {formatNumber(u.used)} of {u.limit == null ? 'unlimited' : formatNumber(u.limit)}
                {u.period !== 'total' ? ` this ${u.period}` : ''}
              </span>
            </div>
            {u.percentage != null && (
              <div className="mt-1 h-1.5 rounded bg-zinc-100">
                <div
                  className="h-1.5 rounded bg-brand-600"
                  style={{ width: `${Math.min(100, u.percentage)}%` }}
                />
              </div>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
