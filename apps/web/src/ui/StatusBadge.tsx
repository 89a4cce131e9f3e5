import { Badge, type BadgeTone } from './Badge';

/** One colour per status word across every resource (license, device, subscription, customer, user). */
const TONE_BY_STATUS: Record<string, BadgeTone> = {
  active: 'success',
  trialing: 'info',
  pending: 'info',
  invited: 'info',
  delivered: 'success',
  past_due: 'warning',
  suspended: 'warning',
  deactivated: 'neutral',
  disabled: 'neutral',
  expired: 'neutral',
  canceled: 'neutral',
  cancelled: 'neutral',
  revoked: 'danger',
  blocked: 'danger',
  failed: 'danger',
};

export function statusLabel(status: string): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Status word with its colour. Unknown statuses render neutral rather than failing. */
export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONE_BY_STATUS[status] ?? 'neutral'}>{statusLabel(status)}</Badge>;
}

/** Options for a status filter from a list of status words. */
export function statusOptions(statuses: readonly string[]) {
  return statuses.map((value) => ({ value, label: statusLabel(value) }));
}
