import type { AuditEvent } from '../../api/resources';
import { formatDateTime } from '../../lib/format';
import { type Column, PageHeader } from '../../ui';
import { ListView } from '../components/ListView';

const columns: Column<AuditEvent>[] = [
  {
    id: 'at',
    header: 'When',
    cell: (e) => <time dateTime={e.created_at}>{formatDateTime(e.created_at)}</time>,
    className: 'whitespace-nowrap',
  },
  {
    id: 'type',
    header: 'Event',
    cell: (e) => <span className="font-mono text-xs text-zinc-800">{e.type}</span>,
  },
  {
    id: 'actor',
    header: 'Actor',
    cell: (e) => `${e.actor_type}${e.actor_id ? ` ${e.actor_id.slice(0, 8)}` : ''}`,
  },
  {
    id: 'subject',
    header: 'Subject',
    secondary: true,
    cell: (e) => (e.subject_type ? `${e.subject_type} ${e.subject_id?.slice(0, 8) ?? ''}` : '—'),
  },
  { id: 'ip', header: 'IP', secondary: true, cell: (e) => e.ip ?? '—' },
];

/** The append-only audit trail of every state change. */
export function EventsPage() {
  return (
    <>
      <PageHeader title="Events" description="The audit trail: every change, who made it and from where." />
      <ListView<AuditEvent>
        endpoint="/api/v1/events"
        caption="Audit events"
        columns={columns}
        searchLabel="Search by event type (license.* for a prefix)"
        searchParam="type"
        empty={{ title: 'No events yet', description: 'Every change in the account is recorded here.' }}
      />
    </>
  );
}
