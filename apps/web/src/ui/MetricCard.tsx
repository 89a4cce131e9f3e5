import type { ReactNode } from 'react';
import { cx } from './cx';
import { Skeleton } from './Spinner';

export interface MetricCardProps {
  label: string;
  value: ReactNode;
  /** Secondary line: period, comparison, unit. */
  hint?: ReactNode;
  /** Change against the previous period; sign picks the colour, text carries the meaning. */
  delta?: { label: string; direction: 'up' | 'down' | 'flat'; good?: boolean };
  loading?: boolean;
}

/** One headline number. A <dl> pair, so screen readers read "label: value". */
export function MetricCard({ label, value, hint, delta, loading }: MetricCardProps) {
  const deltaTone =
    !delta || delta.direction === 'flat'
      ? 'text-zinc-500'
      : (delta.good ?? delta.direction === 'up')
        ? 'text-emerald-700'
        : 'text-red-700';
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:p-5">
      <dl>
        <dt className="truncate text-sm font-medium text-zinc-500">{label}</dt>
        <dd className="mt-1.5 text-2xl font-semibold tracking-tight text-zinc-900 tabular">
          {loading ? <Skeleton className="h-8 w-24" /> : value}
        </dd>
        {(hint || delta) && !loading && (
          <dd className="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-zinc-500">
            {delta && <span className={cx('font-medium', deltaTone)}>{delta.label}</span>}
            {hint}
          </dd>
        )}
      </dl>
    </div>
  );
}
