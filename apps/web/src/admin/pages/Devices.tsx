import { Link } from '@tanstack/react-router';
import type { Activation } from '../../api/resources';
import { type Column, PageHeader } from '../../ui';
import { statusOptions } from '../../ui/StatusBadge';
import { ListView } from '../components/ListView';
import { deviceColumns } from './LicenseDetail';

const columns: Column<Activation>[] = [
  ...deviceColumns.slice(0, 1),
  {
    id: 'license',
    header: 'License',
    cell: (a) => (
      <Link
        to="/licenses/$id"
        params={{ id: a.license_id }}
        className="font-mono text-xs text-brand-700 hover:underline"
      >
        ••••{a.license_key_last4 ?? a.license_id.slice(0, 4)}
      </Link>
    ),
  },
  ...deviceColumns.slice(1),
];

/** Every device that activated a license, most recently seen first. */
export function DevicesPage() {
  return (
    <>
      <PageHeader title="Devices" description="Activations across all licenses, by last heartbeat." />
      <ListView<Activation>
        endpoint="/api/v1/activations"
        caption="Devices"
        columns={columns}
        searchLabel="Search by device id, name or hostname"
        statusOptions={statusOptions(['active', 'deactivated', 'expired', 'blocked'])}
        query={{ sort: '-last_heartbeat_at' }}
        empty={{
          title: 'No devices yet',
          description: 'Devices appear when your application activates a license key.',
        }}
      />
    </>
  );
}
