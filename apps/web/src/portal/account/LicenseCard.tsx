import { formatDate } from '../../lib/format';
import { Badge, CopyButton, StatusBadge } from '../../ui';
import { PortalLink } from '../links';
import type { OwnLicense } from './queries';

function expiry(l: OwnLicense): string {
  if (!l.expires_at) return l.trial ? `${l.trial.days_left} days from first use` : 'Never expires';
  if (l.status === 'expired') return `Ended ${formatDate(l.expires_at)}`;
  if (l.days_remaining === 0) return `${formatDate(l.expires_at)} · ends today`;
  return `${formatDate(l.expires_at)} · ${l.days_remaining} day${l.days_remaining === 1 ? '' : 's'} left`;
}

/** One of my licenses in the account's list: plan, status, key, expiry and seats. */
export function LicenseCard({ license }: { license: OwnLicense }) {
  const title = [license.product_name, license.plan_name].filter(Boolean).join(' · ');
  return (
    <li
      className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4"
      data-testid="my-license"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-zinc-900">{title}</h3>
        <span className="flex items-center gap-2">
          {license.trial && <Badge tone="info">Trial</Badge>}
          {license.is_in_grace_period && <Badge tone="warning">Grace period</Badge>}
          <StatusBadge status={license.status} />
        </span>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <code className="rounded bg-zinc-100 px-2 py-1 font-mono text-sm break-all" data-testid="license-key">
          {license.key}
        </code>
        <CopyButton text={license.key} label="Copy key" />
      </div>
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <div>
          <dt className="text-zinc-500">Expiry</dt>
          <dd className="mt-0.5 font-medium text-zinc-900">{expiry(license)}</dd>
        </div>
        <div>
          <dt className="text-zinc-500">Devices</dt>
          <dd className="mt-0.5 font-medium text-zinc-900">
            {license.seats_used ?? 0} of {license.max_activations ?? 'unlimited'}
          </dd>
        </div>
      </dl>
      <PortalLink
        to={`/account/licenses/${license.id}`}
        className="self-start text-sm font-medium text-brand-700 hover:underline"
      >
        Devices and usage
      </PortalLink>
    </li>
  );
}
