import { formatMoney } from '../../lib/format';
import type { Order } from './types';

/** Subtotal, discount, tax and total, right-aligned under the lines. */
export function OrderTotals({ order: o }: { order: Order }) {
  const money = (cents: number) => formatMoney(cents, o.currency);
  const rows: [string, string][] = [
    ['Subtotal', money(o.subtotal_cents)],
    ['Discount', o.discount_cents ? `−${money(o.discount_cents)}` : money(0)],
    ['Tax', money(o.tax_cents)],
  ];
  return (
    <div className="border-t border-zinc-200 px-4 py-4 sm:px-5">
      <dl className="ml-auto flex max-w-xs flex-col gap-1.5 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="flex justify-between gap-8">
            <dt className="text-zinc-500">{label}</dt>
            <dd className="tabular text-zinc-800">{value}</dd>
          </div>
        ))}
        <div className="flex justify-between gap-8 border-t border-zinc-200 pt-1.5 font-semibold text-zinc-900">
          <dt>Total</dt>
          <dd className="tabular" data-testid="order-total">
            {money(o.total_cents)}
          </dd>
        </div>
      </dl>
    </div>
  );
}
