import { cx } from './cx';

/** Indeterminate progress. Pass `label` when the spinner is the only sign of loading. */
export function Spinner({ className, label }: { className?: string; label?: string }) {
  return (
    <span role={label ? 'status' : undefined} className="inline-flex items-center">
      <span
        aria-hidden="true"
        className={cx(
          'inline-block size-4 animate-spin rounded-full border-2 border-current border-r-transparent',
          className,
        )}
      />
      {label && <span className="sr-only">{label}</span>}
    </span>
  );
}

/** Grey placeholder block in the shape of content that is loading. */
export function Skeleton({ className }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cx('block animate-pulse rounded bg-zinc-200', className ?? 'h-4 w-full')}
    />
  );
}
