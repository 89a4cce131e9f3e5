import type { Activation } from '../../api/resources';
import { formatDateTime, formatRelative } from '../../lib/format';
import { type Column, PageHeader } from '../../ui';
import { StatusBadge, statusOptions } from '../../ui/StatusBadge';
import { ListView } from '../components/ListView';

const columns: Column<Activation>[] = [
  {
    id: 'device',
    header: 'Device',
    cell: (a) => (
      <div>
        <div className="font-medium text-zinc-900">{a.machine_name || a.hostname || 'Unnamed device'}</div>
        <div className="font-mono text-xs text-zinc-500">{a.device_id}</div>
      </div>
    ),
  },
  { id: 'platform', header: 'Platform', cell: (a) => a.platform ?? '—', secondary: true },
  { id: 'version', header: 'App version', cell: (a) => a.app_version ?? '—', secondary: true },
  { id: 'status', header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
  {
    id: 'heartbeat',
    header: 'Last heartbeat',
    cell: (a) =>
      a.last_heartbeat_at ? (
        <time dateTime={a.last_heartbeat_at} title={formatDateTime(a.last_heartbeat_at)}>
          {formatRelative(a.last_heartbeat_at)}
        </time>
      ) : (
        'Never'
      ),
  },
];

/** Activated devices across all licenses, with their last heartbeat. */
export function DevicesPage() {
  return (
    <>
      <PageHeader
        title="Devices"
        description="Machines and seats holding an activation, and when they last checked in."
      />
      <ListView<Activation>
        endpoint="/api/v1/activations"
        caption="Devices"
        columns={columns}
        searchLabel="Search by device id, machine or hostname"
        statusOptions={statusOptions(['active', 'deactivated', 'expired', 'blocked'])}
        empty={{
          title: 'No devices activated',
          description:
            'Devices appear when your application activates a license with the SDK or the client API.',
        }}
      />
    </>
  );
}
