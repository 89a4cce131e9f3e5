import type { ReactNode } from 'react';

/** The white panel of a signed-out page (the sign-in form and the emailed-link pages). */
export const authCardClass = 'flex flex-col gap-4 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm';

/**
 * The layout of every signed-out page: the mark, a title with a line under it, the page's card, and an
 * optional line of links below it.
 */
export function AuthFrame({
  title,
  subtitle,
  children,
  footer,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <span className="mb-4 grid size-11 place-items-center rounded-lg bg-brand-600 text-lg font-bold text-white">
            K
          </span>
          <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
          {subtitle && <p className="mt-1 text-sm break-words text-zinc-600">{subtitle}</p>}
        </div>
        {children}
        {footer && <p className="mt-6 text-center text-sm text-zinc-600">{footer}</p>}
      </div>
    </main>
  );
}

/** A link in the text of a signed-out page. */
export const authLinkClass = 'font-medium text-brand-700 hover:underline';
