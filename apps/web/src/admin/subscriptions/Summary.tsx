import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Plan, Subscription } from '../../api/resources';
import { formatDate } from '../../lib/format';
import { statusLabel } from '../../ui/StatusBadge';
import { CustomerName } from '../components/customers';
import { priceLabel } from './labels';

/** Seats each license gets: the plan's seats × the quantity. */
function seatsLabel(s: Subscription, plan: Plan | undefined): string {
  if (!plan) return `× ${s.quantity}`;
  if (plan.max_activations == null) return `Unlimited (quantity ${s.quantity})`;
  return `${plan.max_activations * s.quantity} per license (${plan.max_activations} × ${s.quantity})`;
}

function Item({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="mt-1 text-zinc-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Where the subscription stands: what is paid for, until when, and what happens next. */
export function SubscriptionSummary({ subscription: s, plan }: { subscription: Subscription; plan?: Plan }) {
  const pastDue = s.status === 'past_due' && s.dunning_ends_at;
  return (
    <div className="flex flex-col gap-4">
      {s.cancel_at_period_end && !s.ended_at && (
        <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Cancels at the end of the period, on {formatDate(s.current_period_end)}: its licenses expire then.
          Reactivate to keep it.
        </p>
      )}
      {pastDue && (
        <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          A payment failed. The licenses keep working until {formatDate(s.dunning_ends_at)}, then they are
          suspended unless a payment is recorded.
        </p>
      )}
      <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <Item label="Customer">
          <Link to="/customers/$id" params={{ id: s.customer_id }} className="text-brand-700 hover:underline">
            <CustomerName id={s.customer_id} />
          </Link>
        </Item>
        <Item label="Plan">{plan?.name ?? '—'}</Item>
        <Item label="Billing">
          {priceLabel(s)} · {statusLabel(s.billing_cycle)}
        </Item>
        <Item label="Seats" testId="subscription-seats">
          {seatsLabel(s, plan)}
        </Item>
        <Item label="Current period">
          {formatDate(s.current_period_start)} – {formatDate(s.current_period_end)}
        </Item>
        {s.trial_ends_at && <Item label="Trial ends">{formatDate(s.trial_ends_at)}</Item>}
        {pastDue && <Item label="Dunning ends">{formatDate(s.dunning_ends_at)}</Item>}
        {s.canceled_at && <Item label="Canceled">{formatDate(s.canceled_at)}</Item>}
        {s.ended_at && <Item label="Ended">{formatDate(s.ended_at)}</Item>}
      </dl>
    </div>
  );
}
