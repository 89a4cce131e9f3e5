import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { CreatedSubscription } from '../../api/resources';
import { Button, buttonClass, Dialog, FormError, Input, SecretValue, Select } from '../../ui';
import { findCustomerByEmail } from '../components/customers';
import { useInvalidate, usePlanOptions, useSubmit } from '../hooks';

const CYCLES = [
  { value: 'monthly', label: 'Monthly' },
  { value: 'annual', label: 'Annual' },
] as const;

/** A date `days` from today as a date input wants it (local time). */
function dateInDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Manual billing: a subscription for a customer on a plan, and the license it drives. The answer holds
 * that license's key, which is shown here once.
 */
export function NewSubscriptionDialog({ onClose }: { onClose: () => void }) {
  const plans = usePlanOptions();
  const invalidate = useInvalidate();
  const [form, setForm] = useState({ email: '', planId: '', cycle: 'monthly', quantity: '1', trialEnds: '' });
  const [trial, setTrial] = useState(false);
  const [created, setCreated] = useState<CreatedSubscription | null>(null);
  const { busy, error, run } = useSubmit();
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [k]: e.target.value });
  const plan = plans.data?.find((p) => p.id === form.planId) ?? plans.data?.[0];
  const trialEnds = form.trialEnds || dateInDays(plan?.trial_days || 14);

  const submit = async () => {
    await run(async () => {
      if (!plan) return; // the button is disabled until there is a plan
      const customer = await findCustomerByEmail(form.email);
      const subscription = await unwrap(
        api.POST('/api/v1/subscriptions', {
          body: {
            customer_id: customer.id,
            plan_id: plan.id,
            billing_cycle: form.cycle as 'monthly' | 'annual',
            quantity: Number(form.quantity || 1),
            ...(trial
              ? { status: 'trialing', trial_ends_at: new Date(`${trialEnds}T00:00:00`).toISOString() }
              : {}),
          },
        }),
      );
      setCreated(subscription);
      await invalidate('/api/v1/subscriptions', '/api/v1/licenses', '/api/v1/customers');
    });
  };

  const key = created?.issued_license?.key;
  return (
    <Dialog
      open
      onClose={busy ? () => {} : onClose}
      title={created ? 'Subscription created' : 'New subscription'}
      description={
        created
          ? key
            ? 'Copy the license key now: this is the only time it is shown. Give it to the customer.'
            : 'No license was issued.'
          : 'Billed by hand: record each payment on the subscription. It issues a license with the plan’s seats × the quantity.'
      }
      footer={
        created ? (
          <>
            <Button variant="secondary" onClick={onClose}>
              Done
            </Button>
            <Link
              to="/subscriptions/$id"
              params={{ id: created.id }}
              onClick={onClose}
              className={buttonClass('primary')}
            >
              Open the subscription
            </Link>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" form="subscription-form" loading={busy} disabled={!plans.data?.length}>
              Create subscription
            </Button>
          </>
        )
      }
    >
      {created ? (
        key && <SecretValue value={key} testId="issued-license-key" copyLabel="Copy key" />
      ) : (
        <form
          id="subscription-form"
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Input
            label="Customer email"
            type="email"
            required
            hint="The customer must exist."
            value={form.email}
            onChange={set('email')}
          />
          <Select
            label="Plan"
            options={(plans.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.code})` }))}
            value={plan?.id ?? ''}
            onChange={set('planId')}
            required
          />
          <div className="grid gap-3 sm:grid-cols-2">
            <Select label="Billing cycle" options={CYCLES} value={form.cycle} onChange={set('cycle')} />
            <Input
              label="Quantity"
              type="number"
              min={1}
              required
              hint="Seats = the plan's × this"
              value={form.quantity}
              onChange={set('quantity')}
            />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4"
              checked={trial}
              onChange={(e) => setTrial(e.target.checked)}
            />
            Start with a trial
          </label>
          {trial && (
            <Input
              label="Trial ends"
              type="date"
              required
              min={dateInDays(1)}
              hint="Record a payment before then to convert it; otherwise it expires."
              value={trialEnds}
              onChange={set('trialEnds')}
            />
          )}
          <FormError>{error}</FormError>
        </form>
      )}
    </Dialog>
  );
}
