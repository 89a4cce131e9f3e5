import type { AuditEvent } from '../../api/resources';
import { formatDateTime } from '../../lib/format';
import { Badge, type Column } from '../../ui';
import { statusLabel } from '../../ui/StatusBadge';

/** What an event did, in a few words: a seat overage, or the status change it records. */
function EventDetail({ event: e }: { event: AuditEvent }) {
  if (e.type === 'license.overage')
    return (
      <>
        <Badge tone="warning">Over the seat limit</Badge>
        <span className="text-xs text-zinc-600">
          {String(e.data.seats_used ?? '?')} / {String(e.data.max_activations ?? '?')} seats (overage{' '}
          {String(e.data.overage ?? '')})
        </span>
      </>
    );
  const { from_status: from, to_status: to, reason } = e.data;
  if (typeof from !== 'string' || typeof to !== 'string' || from === to) return null;
  return (
    <span className="text-xs text-zinc-600">
      {statusLabel(from)} → {statusLabel(to)}
      {typeof reason === 'string' && reason ? ` (${reason})` : ''}
    </span>
  );
}

/** The history table of one record's events (a license's, a subscription's). */
export const eventColumns: Column<AuditEvent>[] = [
  {
    id: 'at',
    header: 'When',
    className: 'whitespace-nowrap',
    cell: (e) => <time dateTime={e.created_at}>{formatDateTime(e.created_at)}</time>,
  },
  {
    id: 'type',
    header: 'Event',
    cell: (e) => (
      <span className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-xs">{e.type}</span>
        <EventDetail event={e} />
      </span>
    ),
  },
  { id: 'actor', header: 'By', cell: (e) => e.actor_type, secondary: true },
];
