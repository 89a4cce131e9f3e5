import type { Subscription } from '../../api/resources';
import { formatMoney } from '../../lib/format';
import { usePlan } from '../hooks';

/** "$29.00 / mo". */
export function priceLabel(s: Subscription): string {
  return `${formatMoney(s.price_cents, s.currency)} / ${s.billing_cycle === 'annual' ? 'yr' : 'mo'}`;
}

/** A plan's name from its id. */
export function PlanName({ id }: { id: string }) {
  return <>{usePlan(id).data?.name ?? '—'}</>;
}
