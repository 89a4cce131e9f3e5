import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { requestJson } from '../../api/client';
import type { Customer } from '../../api/resources';
import { formatDate, formatNumber } from '../../lib/format';
import { Button, type Column, Dialog, FormError, Input, PageHeader, useToast } from '../../ui';
import { StatusBadge, statusOptions } from '../../ui/StatusBadge';
import { displayName } from '../components/customers';
import { ListView } from '../components/ListView';
import { useCan, useInvalidate, useSubmit } from '../hooks';

const columns: Column<Customer>[] = [
  {
    id: 'name',
    header: 'Customer',
    cell: (c) => (
      <div className="min-w-0">
        <Link
          to="/customers/$id"
          params={{ id: c.id }}
          className="font-medium text-brand-700 hover:underline"
        >
          {displayName(c)}
        </Link>
        <div className="text-xs text-zinc-500">{c.email}</div>
      </div>
    ),
  },
  { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
  {
    id: 'licenses',
    header: 'Licenses',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (c) => formatNumber(c.license_count ?? null),
  },
  { id: 'created', header: 'Customer since', cell: (c) => formatDate(c.created_at), secondary: true },
];

/** Licensees of the account: search by name or email, filter by status. */
export function CustomersPage() {
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('customers:write');
  return (
    <>
      <PageHeader
        title="Customers"
        description="People and companies that hold your licenses."
        actions={canWrite && <Button onClick={() => setCreating(true)}>New customer</Button>}
      />
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
      <CustomerDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CustomerDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form, setForm] = useState({ email: '', company_name: '', first_name: '', last_name: '' });
  const { busy, error, run } = useSubmit();
  const toast = useToast();
  const invalidate = useInvalidate();
  const navigate = useNavigate();
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.target.value });

  const submit = async () => {
    await run(async () => {
      const body: Record<string, string> = { email: form.email.trim() };
      for (const k of ['company_name', 'first_name', 'last_name'] as const)
        if (form[k].trim()) body[k] = form[k].trim();
      const created = await requestJson<Customer>('/api/v1/customers', { method: 'POST', body });
      await invalidate('/api/v1/customers');
      toast({ tone: 'success', title: 'Customer created', description: created.email });
      setForm({ email: '', company_name: '', first_name: '', last_name: '' });
      onClose();
      void navigate({ to: '/customers/$id', params: { id: created.id } });
    });
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="New customer"
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" form="customer-form" loading={busy}>
            Create customer
          </Button>
        </>
      }
    >
      <form
        id="customer-form"
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Input label="Email" type="email" required value={form.email} onChange={set('email')} />
        <Input label="Company" value={form.company_name} onChange={set('company_name')} />
        <div className="grid gap-3 sm:grid-cols-2">
          <Input label="First name" value={form.first_name} onChange={set('first_name')} />
          <Input label="Last name" value={form.last_name} onChange={set('last_name')} />
        </div>
        <FormError>{error}</FormError>
      </form>
    </Dialog>
  );
}
