import { type ReactNode, useId } from 'react';
import { formatNumber } from '../lib/format';
import { Button } from './Button';
import { cx } from './cx';
import { Icon } from './Icon';
import { Skeleton } from './Spinner';

export interface Column<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right';
  /** Secondary columns are hidden below the `md` breakpoint to keep phones readable. */
  secondary?: boolean;
  className?: string;
}

export interface DataTableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string;
  /** Describes the table for screen readers (visually hidden). */
  caption: string;
  loading?: boolean;
  skeletonRows?: number;
  /** Shown in place of the body when there are no rows. */
  empty?: ReactNode;
}

const cellClass = (column: { align?: 'left' | 'right'; secondary?: boolean; className?: string }) =>
  cx(
    'px-4 py-3 first:pl-4 last:pr-4 sm:first:pl-5 sm:last:pr-5',
    column.align === 'right' ? 'text-right' : 'text-left',
    column.secondary && 'hidden md:table-cell',
    column.className,
  );

/** Data table; scrolls sideways on narrow screens rather than squashing columns. */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  caption,
  loading,
  skeletonRows = 5,
  empty,
}: DataTableProps<T>) {
  const showEmpty = !loading && rows !== undefined && rows.length === 0;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-max border-collapse text-sm" aria-busy={loading || undefined}>
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase">
          <tr>
            {columns.map((column) => (
              <th key={column.id} scope="col" className={cx(cellClass(column), 'py-2.5 font-medium')}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {loading &&
            Array.from({ length: skeletonRows }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
              <tr key={i}>
                {columns.map((column) => (
                  <td key={column.id} className={cellClass(column)}>
                    <Skeleton className="h-4 w-3/4" />
                  </td>
                ))}
              </tr>
            ))}
          {!loading &&
            rows?.map((row) => (
              <tr key={rowKey(row)} className="hover:bg-zinc-50">
                {columns.map((column) => (
                  <td key={column.id} className={cx(cellClass(column), 'text-zinc-700')}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          {showEmpty && (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export interface PaginationProps {
  offset: number;
  limit: number;
  /** Rows on the current page. */
  count: number;
  hasMore: boolean;
  onOffsetChange: (offset: number) => void;
  onLimitChange?: (limit: number) => void;
  limits?: readonly number[];
  disabled?: boolean;
}

/**
 * Controls for server-side paging with limit/offset and a `has_more` flag (the server does not count
 * totals, which keeps large lists cheap): "Showing 26–50", previous/next, rows per page.
 */
export function Pagination({
  offset,
  limit,
  count,
  hasMore,
  onOffsetChange,
  onLimitChange,
  limits = [10, 25, 50, 100],
  disabled,
}: PaginationProps) {
  const limitId = useId();
  const first = count === 0 ? 0 : offset + 1;
  const last = offset + count;
  return (
    <nav
      aria-label="Pagination"
      className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm text-zinc-600 sm:px-5"
    >
      <p aria-live="polite" className="tabular">
        {count === 0 ? (
          'No results on this page'
        ) : (
          <>
            Showing <span className="font-medium text-zinc-900">{formatNumber(first)}</span>–
            <span className="font-medium text-zinc-900">{formatNumber(last)}</span>
            {!hasMore && offset === 0 ? ' (all)' : ''}
          </>
        )}
      </p>
      <div className="flex items-center gap-3">
        {onLimitChange && (
          <div className="flex items-center gap-2">
            <label htmlFor={limitId} className="hidden sm:inline">
              Rows per page
            </label>
            <select
              id={limitId}
              value={limit}
              disabled={disabled}
              onChange={(event) => onLimitChange(Number(event.target.value))}
              aria-label="Rows per page"
              className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm focus:outline-2 focus:outline-brand-600"
            >
              {limits.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="flex gap-1">
          <Button
            variant="secondary"
            size="sm"
            disabled={disabled || offset === 0}
            onClick={() => onOffsetChange(Math.max(0, offset - limit))}
            aria-label="Previous page"
          >
            <Icon name="chevronLeft" />
            <span className="hidden sm:inline">Previous</span>
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={disabled || !hasMore}
            onClick={() => onOffsetChange(offset + limit)}
            aria-label="Next page"
          >
            <span className="hidden sm:inline">Next</span>
            <Icon name="chevronRight" />
          </Button>
        </div>
      </div>
    </nav>
  );
}

/** A row's name over a smaller second line (an email, a code, an id); `mono` for codes and ids. */
export function NameCell({ name, sub, mono = false }: { name: ReactNode; sub: ReactNode; mono?: boolean }) {
  return (
    <div>
      <div className="font-medium text-zinc-900">{name}</div>
      <div className={mono ? 'font-mono text-xs text-zinc-500' : 'text-xs text-zinc-500'}>{sub}</div>
    </div>
  );
}
