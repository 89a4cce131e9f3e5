import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { describeError } from '../../api/errors';
import type { WebhookEndpoint } from '../../api/resources';
import { formatDateTime } from '../../lib/format';
import { DetailItem, Spinner, useToast } from '../../ui';
import { useCan, useInvalidate } from '../hooks';
import { EndpointStatus } from './EndpointStatus';
import { eventFilterLabel, receivesTestEvents } from './eventTypes';

/** Enables or disables the endpoint; deliveries wait while it is disabled. */
function EnabledSwitch({ endpoint: e }: { endpoint: WebhookEndpoint }) {
  // What it is being switched to, shown at once while the server is asked.
  const [target, setTarget] = useState<boolean | null>(null);
  const invalidate = useInvalidate();
  const toast = useToast();
  const toggle = async (enabled: boolean) => {
    setTarget(enabled);
    try {
      await unwrap(
        api.PATCH('/api/v1/webhook-endpoints/{id}', { params: { path: { id: e.id } }, body: { enabled } }),
      );
      await invalidate('/api/v1/webhook-endpoints', '/api/v1/events');
      toast({
        tone: 'success',
        title: enabled ? 'Endpoint enabled' : 'Endpoint disabled',
        description: e.url,
      });
    } catch (error) {
      toast({ tone: 'error', title: 'Could not change it', description: describeError(error), duration: 0 });
    } finally {
      setTarget(null);
    }
  };
  return (
    <label className="inline-flex items-center gap-2 text-sm font-medium text-zinc-800">
      <input
        type="checkbox"
        role="switch"
        aria-checked={target ?? e.enabled}
        className="size-4"
        checked={target ?? e.enabled}
        disabled={target !== null}
        onChange={(event) => void toggle(event.target.checked)}
      />
      Enabled
      {target !== null && <Spinner className="size-3.5" />}
    </label>
  );
}

/** Where the endpoint stands: URL, filter, status (why it is disabled), secret rotation; the switch. */
export function EndpointSummary({ endpoint: e }: { endpoint: WebhookEndpoint }) {
  const canWrite = useCan('webhooks:write');
  return (
    <div className="flex flex-col gap-4">
      {!e.enabled && (
        <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Disabled {e.disabled_at ? `on ${formatDateTime(e.disabled_at)}` : ''}
          {e.disabled_reason ? `: ${e.disabled_reason}.` : '.'} Deliveries wait while it is disabled and go
          out when it is enabled again (within their retry window of about 3 days).
        </p>
      )}
      {e.enabled && e.failing_since && (
        <p role="note" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
          Every delivery has failed since {formatDateTime(e.failing_since)}. Keyward keeps retrying; after 5
          days of failures the endpoint is disabled.
        </p>
      )}
      <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-3">
        <DetailItem label="URL" testId="webhook-url">
          <span className="font-mono break-all">{e.url}</span>
        </DetailItem>
        <DetailItem label="Description">{e.description || '—'}</DetailItem>
        <DetailItem label="Events" testId="webhook-events">
          <span className="font-mono text-xs">{eventFilterLabel(e.event_types)}</span>
        </DetailItem>
        <DetailItem label="Status" testId="webhook-status">
          <EndpointStatus endpoint={e} />
        </DetailItem>
        <DetailItem label="Signing secret">
          {e.secret_rotating_until
            ? `Rotated: the previous secret also signs until ${formatDateTime(e.secret_rotating_until)}`
            : 'One secret (shown when it was made)'}
        </DetailItem>
        <DetailItem label="Created">{formatDateTime(e.created_at)}</DetailItem>
      </dl>
      {canWrite && (
        <div className="flex flex-col gap-1">
          <EnabledSwitch endpoint={e} />
          {!receivesTestEvents(e) && (
            <p className="text-xs text-zinc-500">Enable the endpoint to send a test event.</p>
          )}
        </div>
      )}
    </div>
  );
}
