import type { Customer } from '../../api/resources';
import { formatDate } from '../../lib/format';
import { type Column, PageHeader } from '../../ui';
import { StatusBadge, statusOptions } from '../../ui/StatusBadge';
import { ListView } from '../components/ListView';

function displayName(customer: Customer): string {
  const person = [customer.first_name, customer.last_name].filter(Boolean).join(' ');
  return customer.company_name || person || customer.email;
}

const columns: Column<Customer>[] = [
  {
    id: 'name',
    header: 'Customer',
    cell: (c) => (
      <div className="min-w-0">
        <div className="font-medium text-zinc-900">{displayName(c)}</div>
        <div className="text-xs text-zinc-500">{c.email}</div>
      </div>
    ),
  },
  { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
  { id: 'created', header: 'Customer since', cell: (c) => formatDate(c.created_at), secondary: true },
];

/** Licensees of the account: search by name or email, filter by status. */
export function CustomersPage() {
  return (
    <>
      <PageHeader title="Customers" description="People and companies that hold your licenses." />
      <ListView<Customer>
        endpoint="/api/v1/customers"
        caption="Customers"
        columns={columns}
        searchLabel="Search by name, company or email"
        statusOptions={statusOptions(['active', 'suspended', 'cancelled'])}
        empty={{
          title: 'No customers yet',
          description: 'Customers appear here when you create them, import them or when a purchase comes in.',
        }}
      />
    </>
  );
}
