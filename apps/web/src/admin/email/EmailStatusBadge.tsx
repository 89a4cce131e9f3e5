import { Badge, type BadgeTone, statusLabel } from '../../ui';
import type { EmailStatus } from './types';

const TONES: Record<EmailStatus, BadgeTone> = {
  pending: 'info',
  sent: 'success',
  failed: 'danger',
  outbox: 'warning',
  skipped: 'neutral',
};

/** An email's status in words and colour ("Outbox" waits for SMTP; "Skipped" had nowhere to go). */
export function EmailStatusBadge({ status }: { status: EmailStatus }) {
  return <Badge tone={TONES[status] ?? 'neutral'}>{statusLabel(status)}</Badge>;
}
