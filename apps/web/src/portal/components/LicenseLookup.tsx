import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { requestJson } from '../../api/client';
import { describeError, toApiError } from '../../api/errors';
import { formatDate } from '../../lib/format';
import { Button, Input, StatusBadge } from '../../ui';

/**
 * What `POST /api/v1/portal/license-lookup` answers. Only the fields shown here are relied on; the full
 * result (features, usage, devices, alerts) arrives with the generated schema.
 */
interface LookupResult {
  license?: { status?: string; expires_at?: string | null; plan?: { name?: string } | null };
}

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

  const license = lookup.data?.license;

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
            <div className="rounded-lg border border-zinc-200 bg-zinc-50 p-4">
              <h3 className="text-sm font-semibold text-zinc-900">License found</h3>
              <dl className="mt-3 grid grid-cols-2 gap-3 text-sm">
                <div>
                  <dt className="text-zinc-500">Status</dt>
                  <dd className="mt-0.5">
                    {license?.status ? <StatusBadge status={license.status} /> : '—'}
                  </dd>
                </div>
                <div>
                  <dt className="text-zinc-500">Expires</dt>
                  <dd className="mt-0.5 font-medium text-zinc-900">
                    {license?.expires_at ? formatDate(license.expires_at) : license ? 'Never' : '—'}
                  </dd>
                </div>
                {license?.plan?.name && (
                  <div>
                    <dt className="text-zinc-500">Plan</dt>
                    <dd className="mt-0.5 font-medium text-zinc-900">{license.plan.name}</dd>
                  </div>
                )}
              </dl>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
