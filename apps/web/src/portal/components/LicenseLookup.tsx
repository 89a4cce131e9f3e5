import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { requestJson } from '../../api/client';
import { describeError, toApiError } from '../../api/errors';
import type { PortalLookup } from '../../api/resources';
import { formatDate, formatNumber } from '../../lib/format';
import { Badge, Button, Input, StatusBadge } from '../../ui';
import { DeviceList } from './DeviceList';

type LookupResult = PortalLookup;

/** Uppercases and trims what people paste (spaces, lowercase, surrounding quotes). */
export function normalizeKey(raw: string): string {
  return raw
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\s+/g, '')
    .toUpperCase();
}

function lookupMessage(error: unknown): string {
  const e = toApiError(error);
  if (e.code === 'LICENSE_NOT_FOUND' || e.status === 404) {
    return e.code === 'ROUTE_NOT_FOUND'
      ? 'License lookup is not available on this server yet.'
      : 'No license matches this key. Check it for typos and try again.';
  }
  return describeError(e);
}

/** "Check my license": key in, status out. */
export function LicenseLookup() {
  const [key, setKey] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const lookup = useMutation({
    mutationFn: (license_key: string) =>
      requestJson<LookupResult>('/api/v1/portal/license-lookup', {
        method: 'POST',
        body: { license_key },
        auth: false,
      }),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const normalized = normalizeKey(key);
    if (normalized.length < 8) {
      setFieldError('Enter the full license key, as written in your purchase email.');
      return;
    }
    setFieldError(undefined);
    setKey(normalized);
    lookup.mutate(normalized);
  };

  return (
    <section
      id="check-license"
      aria-labelledby="check-license-title"
      className="scroll-mt-4 border-t border-zinc-200 bg-white py-14 sm:py-16"
    >
      <div className="mx-auto max-w-xl px-4 sm:px-6">
        <h2 id="check-license-title" className="text-2xl font-semibold tracking-tight text-zinc-900">
          Check my license
        </h2>
        <p className="mt-1 text-sm text-zinc-600">See the status and expiry of a license you own.</p>
        <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-3 sm:flex-row sm:items-start" noValidate>
          <Input
            label="License key"
            hideLabel
            name="license_key"
            placeholder="XXXX-XXXX-XXXX-XXXX-XXXX"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            required
            error={fieldError}
            className="font-mono tracking-wide"
            fieldClassName="flex-1"
          />
          <Button type="submit" loading={lookup.isPending}>
            Check license
          </Button>
        </form>

        <div aria-live="polite" className="mt-6">
          {lookup.isError && (
            <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
              {lookupMessage(lookup.error)}
            </p>
          )}
          {lookup.isSuccess && (
            <LookupResultView
              result={lookup.data}
              onDeactivate={async (activationId) => {
                await requestJson('/api/v1/portal/deactivate-device', {
                  method: 'POST',
                  body: { license_key: lookup.variables, activation_id: activationId },
                  auth: false,
                });
                lookup.mutate(lookup.variables);
              }}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function expiryText(days: number | null, expiresAt: string | null): string {
  if (!expiresAt || days == null) return 'Never expires';
  if (days < 0) return `Expired ${formatDate(expiresAt)}`;
  if (days === 0) return 'Expires today';
  return `${formatDate(expiresAt)} · ${days} day${days === 1 ? '' : 's'} left`;
}

function LookupResultView({
  result,
  onDeactivate,
}: {
  result: LookupResult;
  onDeactivate: (activationId: string) => Promise<void>;
}) {
  const { license, devices, alerts } = result;
  return (
    <div
      className="flex flex-col gap-4 rounded-lg border border-zinc-200 bg-zinc-50 p-4"
      data-testid="license-result"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-zinc-900">
          {license.tier_name} license ••••{license.key_last4}
        </h3>
        <span data-testid="portal-status">
          <StatusBadge status={license.status} />
        </span>
      </div>
      {alerts.length > 0 && (
        <ul className="flex flex-col gap-1">
          {alerts.map((a) => (
            <li
              key={a.message}
              role="status"
              className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              {a.message}
            </li>
          ))}
        </ul>
      )}
      <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-zinc-500">Expiry</dt>
          <dd className="mt-0.5 font-medium text-zinc-900">
            {expiryText(license.days_until_expiry, license.expires_at)}
            {license.is_in_grace_period && <Badge tone="warning">Grace period</Badge>}
          </dd>
        </div>
        <div>
          <dt className="text-zinc-500">Devices</dt>
          <dd className="mt-0.5 font-medium text-zinc-900">
            {devices.length} of {license.max_activations == null ? 'unlimited' : license.max_activations}
          </dd>
        </div>
      </dl>
      {license.features.length > 0 && (
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Features</h4>
          <ul className="mt-2 flex flex-wrap gap-2">
            {license.features.map((f) => (
              <li key={f.feature_id}>
                <Badge tone={f.enabled ? 'success' : 'neutral'}>
                  {f.name}
                  {f.limit_value != null
                    ? ` · ${formatNumber(f.limit_value)}${f.period ? `/${f.period}` : ''}`
                    : ''}
                </Badge>
              </li>
            ))}
          </ul>
        </div>
      )}
      {Object.keys(license.limits).length > 0 && (
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Limits</h4>
          <dl className="mt-2 grid grid-cols-2 gap-2 text-sm">
            {Object.entries(license.limits).map(([name, v]) => (
              <div key={name}>
                <dt className="text-zinc-500">{name}</dt>
                <dd className="font-medium">{v == null ? 'Unlimited' : formatNumber(v)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      <DeviceList devices={devices} onDeactivate={onDeactivate} />
      <p className="text-sm text-zinc-600">
        Computer without internet?{' '}
        <a href="#offline-activation" className="font-medium text-brand-700 hover:underline">
          Activate it offline
        </a>
      </p>
    </div>
  );
}
