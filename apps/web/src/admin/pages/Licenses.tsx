import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { requestJson } from '../../api/client';
import type { Customer, License } from '../../api/resources';
import { formatDate } from '../../lib/format';
import { Button, type Column, Dialog, FormError, Input, PageHeader, Select, useToast } from '../../ui';
import { StatusBadge, statusOptions } from '../../ui/StatusBadge';
import { findCustomerByEmail } from '../components/customers';
import { ListView } from '../components/ListView';
import { useCan, useInvalidate, usePlanOptions, useProductOptions, useSubmit } from '../hooks';

/** Columns of license tables (a subscription's licenses pick from them by id). */
export const licenseColumns: Column<License>[] = [
  {
    id: 'key',
    header: 'Key',
    cell: (l) => (
      <Link
        to="/licenses/$id"
        params={{ id: l.id }}
        className="font-mono text-xs font-medium text-brand-700 hover:underline"
      >
        {l.key_masked}
      </Link>
    ),
  },
  {
    id: 'customer',
    header: 'Customer',
    cell: (l) => l.customer_company || l.customer_email || <span className="text-zinc-400">Unassigned</span>,
  },
  { id: 'plan', header: 'Plan', cell: (l) => l.plan_name, secondary: true },
  { id: 'status', header: 'Status', cell: (l) => <StatusBadge status={l.effective_status} /> },
  {
    id: 'seats',
    header: 'Max devices',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (l) => (l.max_activations == null ? '∞' : l.max_activations),
  },
  { id: 'expires', header: 'Expires', cell: (l) => (l.expires_at ? formatDate(l.expires_at) : 'Never') },
];

const EXPIRY_OPTIONS = [
  { value: '7', label: 'Within 7 days' },
  { value: '30', label: 'Within 30 days' },
  { value: '90', label: 'Within 90 days' },
];

/** Every license key issued by the account, with status and seat usage. */
export function LicensesPage() {
  const plans = usePlanOptions();
  const products = useProductOptions();
  const [planId, setPlanId] = useState('');
  const [productId, setProductId] = useState('');
  const [expiry, setExpiry] = useState('');
  const [issuing, setIssuing] = useState(false);
  const canCreate = useCan('licenses:create');
  const expiresBefore = expiry ? new Date(Date.now() + Number(expiry) * 86_400_000).toISOString() : undefined;
  return (
    <>
      <PageHeader
        title="Licenses"
        description="Keys issued to your customers and how many devices use them."
        actions={canCreate && <Button onClick={() => setIssuing(true)}>Issue license</Button>}
      />
      <ListView<License>
        endpoint="/api/v1/licenses"
        caption="Licenses"
        columns={licenseColumns}
        searchLabel="Search by key, last 4 or customer email"
        statusOptions={statusOptions(['pending', 'active', 'suspended', 'expired', 'revoked'])}
        query={{
          plan_id: planId || undefined,
          product_id: productId || undefined,
          expires_before: expiresBefore,
          expires_after: expiry ? new Date().toISOString().slice(0, 10) : undefined,
        }}
        toolbar={
          <>
            <Select
              label="Plan"
              placeholder="Any plan"
              options={(plans.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
              value={planId}
              onChange={(e) => setPlanId(e.target.value)}
              fieldClassName="sm:w-44"
            />
            {(products.data?.length ?? 0) > 0 && (
              <Select
                label="Product"
                placeholder="Any product"
                options={(products.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                value={productId}
                onChange={(e) => setProductId(e.target.value)}
                fieldClassName="sm:w-44"
              />
            )}
            <Select
              label="Expires"
              placeholder="Any time"
              options={EXPIRY_OPTIONS}
              value={expiry}
              onChange={(e) => setExpiry(e.target.value)}
              fieldClassName="sm:w-40"
            />
          </>
        }
        empty={{
          title: 'No licenses yet',
          description: 'Licenses are created from a plan, by an order, or by a subscription.',
        }}
      />
      <IssueLicenseDialog open={issuing} onClose={() => setIssuing(false)} />
    </>
  );
}

/** Issue a license from a plan, optionally for a customer (by email). */
export function IssueLicenseDialog({
  open,
  onClose,
  customer,
}: {
  open: boolean;
  onClose: () => void;
  customer?: Customer;
}) {
  const plans = usePlanOptions();
  const toast = useToast();
  const invalidate = useInvalidate();
  const navigate = useNavigate();
  const [planId, setPlanId] = useState('');
  const [email, setEmail] = useState('');
  const { busy, error, run } = useSubmit();

  const submit = async () => {
    await run(async () => {
      let customerId = customer?.id;
      if (!customerId && email.trim()) customerId = (await findCustomerByEmail(email)).id;
      const license = await requestJson<License>('/api/v1/licenses', {
        method: 'POST',
        body: { plan_id: planId || plans.data?.[0]?.id, ...(customerId ? { customer_id: customerId } : {}) },
      });
      await invalidate('/api/v1/licenses', '/api/v1/customers');
      toast({ tone: 'success', title: 'License issued', description: `Key ending ${license.key_last4}` });
      onClose();
      void navigate({ to: '/licenses/$id', params: { id: license.id } });
    });
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Issue a license"
      description="The license copies the plan's features, limits and device count."
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} disabled={!planId && !plans.data?.length}>
            Issue license
          </Button>
        </>
      }
    >
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Select
          label="Plan"
          options={(plans.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.code})` }))}
          value={planId || plans.data?.[0]?.id || ''}
          onChange={(e) => setPlanId(e.target.value)}
          required
        />
        {customer ? (
          <p className="text-sm text-zinc-600">For {customer.email}</p>
        ) : (
          <Input
            label="Customer email"
            type="email"
            hint="Optional; the customer must exist."
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
        <FormError>{error}</FormError>
      </form>
    </Dialog>
  );
}
