import type { WebhookEndpoint } from '../../api/resources';
import { formatRelative } from '../../lib/format';
import { Badge, type BadgeTone } from '../../ui';

function statusOf(e: WebhookEndpoint): { tone: BadgeTone; label: string; note: string } {
  if (!e.enabled) {
    const since = e.disabled_at ? `since ${formatRelative(e.disabled_at)}` : '';
    return {
      tone: 'warning',
      label: 'Disabled',
      note: [e.disabled_reason, since].filter(Boolean).join(', '),
    };
  }
  if (e.failing_since)
    return { tone: 'danger', label: 'Failing', note: `since ${formatRelative(e.failing_since)}` };
  return { tone: 'success', label: 'Enabled', note: '' };
}

/** Enabled, disabled (and why), or failing (since when), in colour and words. */
export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { tone, label, note } = statusOf(endpoint);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Badge tone={tone}>{label}</Badge>
      {note && <span className="text-xs text-zinc-600">{note}</span>}
    </span>
  );
}
