import type { ReactNode } from 'react';
import { cx } from './cx';

export interface FieldProps {
  id: string;
  label: ReactNode;
  /** Visually hide the label (it stays for screen readers). */
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: ReactNode;
  required?: boolean;
  className?: string;
  children: ReactNode;
}

/** Ids of the hint and error texts of a field, for the control's aria-describedby. */
export function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** Label, control, hint and error laid out the same way for every form control. */
export function Field({ id, label, hideLabel, hint, error, required, className, children }: FieldProps) {
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <label htmlFor={id} className={cx('text-sm font-medium text-zinc-800', hideLabel && 'sr-only')}>
        {label}
        {required && (
          <span aria-hidden="true" className="text-red-600">
            {' '}
            *
          </span>
        )}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export const controlClass = (invalid: boolean) =>
  cx(
    'block w-full rounded-md border bg-white px-3 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-400',
    'focus:outline-2 focus:-outline-offset-1 focus:outline-brand-600 disabled:bg-zinc-100 disabled:text-zinc-500',
    invalid ? 'border-red-500' : 'border-zinc-300',
  );
