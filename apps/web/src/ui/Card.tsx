import type { HTMLAttributes, ReactNode } from 'react';
import { cx } from './cx';

export interface CardProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  title?: ReactNode;
  description?: ReactNode;
  /** Controls at the right of the header. */
  actions?: ReactNode;
  /** Remove body padding (for tables that run edge to edge). */
  flush?: boolean;
}

/** White panel with an optional header. Rendered as a <section> labelled by its title. */
export function Card({ title, description, actions, flush, className, children, ...props }: CardProps) {
  const hasHeader = title || description || actions;
  return (
    <section className={cx('rounded-lg border border-zinc-200 bg-white shadow-xs', className)} {...props}>
      {hasHeader && (
        <header className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3 sm:px-5">
          <div className="min-w-0">
            {title && <h2 className="text-base font-semibold text-zinc-900">{title}</h2>}
            {description && <p className="mt-0.5 text-sm text-zinc-500">{description}</p>}
          </div>
          {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
        </header>
      )}
      <div className={flush ? undefined : 'p-4 sm:p-5'}>{children}</div>
    </section>
  );
}

/** Small wrapper for content that is a Card's only child and needs no header. */
export function CardBody({ children }: { children: ReactNode }) {
  return <div className="p-4 sm:p-5">{children}</div>;
}
