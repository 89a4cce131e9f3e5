import { Link } from '@tanstack/react-router';
import type { Plan, Subscription } from '../../api/resources';
import { formatDate } from '../../lib/format';
import { DetailItem } from '../../ui';
import { statusLabel } from '../../ui/StatusBadge';
import { CustomerName } from '../components/customers';
import { priceLabel } from './labels';

/** Seats each license gets: the plan's seats × the quantity. */
function seatsLabel(s: Subscription, plan: Plan | undefined): string {
  if (!plan) return `× ${s.quantity}`;
  if (plan.max_activations == null) return `Unlimited (quantity ${s.quantity})`;
  return `${plan.max_activations * s.quantity} per license (${plan.max_activations} × ${s.quantity})`;
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
        <DetailItem label="Customer">
          <Link to="/customers/$id" params={{ id: s.customer_id }} className="text-brand-700 hover:underline">
            <CustomerName id={s.customer_id} />
          </Link>
        </DetailItem>
        <DetailItem label="Plan">{plan?.name ?? '—'}</DetailItem>
        <DetailItem label="Billing">
          {priceLabel(s)} · {statusLabel(s.billing_cycle)}
        </DetailItem>
        <DetailItem label="Seats" testId="subscription-seats">
          {seatsLabel(s, plan)}
        </DetailItem>
        <DetailItem label="Current period">
          {formatDate(s.current_period_start)} – {formatDate(s.current_period_end)}
        </DetailItem>
        {s.trial_ends_at && <DetailItem label="Trial ends">{formatDate(s.trial_ends_at)}</DetailItem>}
        {pastDue && <DetailItem label="Dunning ends">{formatDate(s.dunning_ends_at)}</DetailItem>}
        {s.canceled_at && <DetailItem label="Canceled">{formatDate(s.canceled_at)}</DetailItem>}
        {s.ended_at && <DetailItem label="Ended">{formatDate(s.ended_at)}</DetailItem>}
      </dl>
    </div>
  );
}
