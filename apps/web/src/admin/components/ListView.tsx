import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { type QueryValue, requestJson } from '../../api/client';
import type { Page } from '../../api/resources';
import {
  type Column,
  DataTable,
  EmptyState,
  ErrorState,
  Icon,
  Pagination,
  Select,
  type SelectOption,
} from '../../ui';
import { type ListState, useUrlListState } from './useListState';

export interface ListViewProps<T extends { id: string }> {
  /** API path of the list endpoint, e.g. `/api/v1/customers`. */
  endpoint: string;
  /** Screen-reader caption of the table. */
  caption: string;
  columns: readonly Column<T>[];
  /** Label of the search box; omit for lists without free-text search. */
  searchLabel?: string;
  /** Options of the status filter; omit for none. */
  statusOptions?: readonly SelectOption[];
  /** Shown when the list is empty without filters (with filters a generic "no match" is shown). */
  empty: { title: string; description?: ReactNode; action?: ReactNode };
  /** Where paging and filters are kept (default: the URL). */
  state?: ListState;
  /** Query parameter the search box fills (default `q`; the events log searches by `type`). */
  searchParam?: string;
  /** Extra query parameters (filters owned by the page, fixed scopes such as `customer_id`). */
  query?: Record<string, QueryValue>;
  /** More filter controls, rendered next to the search box. */
  toolbar?: ReactNode;
  /** Milliseconds between refreshes given the rows shown (false: none), e.g. while some are pending. */
  refreshEvery?: (rows: readonly T[]) => number | false;
}

/**
 * The shared body of every admin list page: search and status filter, table, server-side pagination,
 * and the loading, empty, no-match and error states, over one `useQuery` keyed by endpoint and params.
 */
export function ListView<T extends { id: string }>(props: ListViewProps<T>) {
  const urlState = useUrlListState();
  const state = props.state ?? urlState;
  const { offset, limit, q, status } = state;

  const params = { offset, limit, [props.searchParam ?? 'q']: q, status, ...props.query };
  const query = useQuery({
    queryKey: [props.endpoint, params],
    queryFn: ({ signal }) => requestJson<Page<T>>(props.endpoint, { query: params, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: props.refreshEvery && ((q) => props.refreshEvery?.(q.state.data?.data ?? []) ?? false),
  });

  const filtered =
    q !== '' || status !== '' || Object.values(props.query ?? {}).some((v) => v !== undefined && v !== '');
  const rows = query.data?.data;

  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      {(props.searchLabel || props.statusOptions || props.toolbar) && (
        <div className="flex flex-col gap-3 border-b border-zinc-200 p-4 sm:flex-row sm:items-end sm:px-5">
          {props.searchLabel && (
            <SearchBox label={props.searchLabel} value={q} onSearch={(v) => state.update({ q: v })} />
          )}
          {props.statusOptions && (
            <Select
              label="Status"
              placeholder="Any status"
              options={props.statusOptions}
              value={status}
              onChange={(event) => state.update({ status: event.target.value })}
              fieldClassName="sm:w-48"
            />
          )}
          {props.toolbar}
        </div>
      )}
      {query.isError && !rows ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />
      ) : (
        <>
          <DataTable
            columns={props.columns}
            rows={rows}
            rowKey={(row) => row.id}
            caption={props.caption}
            loading={query.isPending}
            empty={
              filtered ? (
                <EmptyState
                  icon="search"
                  title="No matches"
                  description="Nothing matches these filters. Try another search or clear the filters."
                />
              ) : (
                <EmptyState {...props.empty} />
              )
            }
          />
          {rows && (rows.length > 0 || offset > 0) && (
            <Pagination
              offset={offset}
              limit={limit}
              count={rows.length}
              hasMore={query.data?.pagination.has_more ?? false}
              onOffsetChange={(next) => state.update({ offset: next })}
              onLimitChange={(next) => state.update({ limit: next })}
              disabled={query.isFetching}
            />
          )}
        </>
      )}
    </div>
  );
}

/** Search input that updates the list 300 ms after typing stops, or at once on Enter. */
function SearchBox({
  label,
  value,
  onSearch,
}: {
  label: string;
  value: string;
  onSearch: (q: string) => void;
}) {
  const [text, setText] = useState(value);
  const id = useId();

  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = window.setTimeout(() => onSearch(text.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [text, value, onSearch]);

  return (
    <search className="flex-1">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSearch(text.trim());
        }}
      >
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <div className="relative">
          <Icon
            name="search"
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
          />
          <input
            id={id}
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder={label}
            className="block h-10 w-full rounded-md border border-zinc-300 bg-white pr-3 pl-9 text-sm shadow-sm placeholder:text-zinc-400 focus:outline-2 focus:-outline-offset-1 focus:outline-brand-600"
          />
        </div>
      </form>
    </search>
  );
}
