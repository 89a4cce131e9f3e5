import { formatDateTime } from '../../lib/format';
import { cx } from '../../ui';
import type { Order } from './types';

type Stamp =
  | 'created_at'
  | 'submitted_at'
  | 'approved_at'
  | 'paid_at'
  | 'fulfilled_at'
  | 'cancelled_at'
  | 'refunded_at';

const STEPS: readonly [Stamp, string][] = [
  ['created_at', 'Created'],
  ['submitted_at', 'Submitted for approval'],
  ['approved_at', 'Approved'],
  ['paid_at', 'Paid'],
  ['fulfilled_at', 'Fulfilled'],
  ['cancelled_at', 'Cancelled'],
  ['refunded_at', 'Refunded'],
];

/** The steps still ahead of a live order (greyed): approval only when it needs one. */
function ahead(o: Order, stamp: Stamp): boolean {
  if (o.status === 'cancelled' || o.status === 'refunded' || o[stamp]) return false;
  if (stamp === 'cancelled_at' || stamp === 'refunded_at') return false;
  if (stamp === 'submitted_at') return o.status === 'draft' && o.requires_approval;
  return true;
}

/** When the order reached each step of its life, and what is still ahead of it. */
export function OrderTimeline({ order }: { order: Order }) {
  const steps = STEPS.filter(([stamp]) => order[stamp] || ahead(order, stamp));
  return (
    <ol className="flex flex-col text-sm" data-testid="order-timeline">
      {steps.map(([stamp, label], index) => {
        const at = order[stamp];
        const last = index === steps.length - 1;
        return (
          <li key={stamp} className="relative flex gap-3 pb-4 last:pb-0">
            {!last && (
              <span aria-hidden="true" className="absolute top-4 left-[5px] h-full w-px bg-zinc-200" />
            )}
            <span
              aria-hidden="true"
              className={cx(
                'relative mt-1 size-2.75 shrink-0 rounded-full ring-2 ring-white',
                !at
                  ? 'bg-zinc-200'
                  : stamp === 'cancelled_at' || stamp === 'refunded_at'
                    ? 'bg-red-500'
                    : 'bg-brand-600',
              )}
            />
            <span className="flex flex-col">
              <span className={at ? 'font-medium text-zinc-900' : 'text-zinc-400'}>{label}</span>
              <span className="text-xs text-zinc-500">{at ? formatDateTime(at) : 'Not yet'}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
