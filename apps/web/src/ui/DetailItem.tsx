import type { ReactNode } from 'react';

/** One label and value of a record's summary (inside a <dl>). */
export function DetailItem({
  label,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="min-w-0">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="mt-1 text-zinc-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
