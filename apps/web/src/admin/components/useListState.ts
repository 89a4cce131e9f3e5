import { useNavigate, useSearch } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { DEFAULT_LIMIT, type ListSearch } from '../listSearch';

export interface ListState {
  offset: number;
  limit: number;
  q: string;
  status: string;
  /** Merges a change; any change other than the page itself goes back to the first page. */
  update: (patch: Partial<ListSearch>) => void;
}

function resolve(search: ListSearch): Omit<ListState, 'update'> {
  return {
    offset: search.offset ?? 0,
    limit: search.limit ?? DEFAULT_LIMIT,
    q: search.q ?? '',
    status: search.status ?? '',
  };
}

function merge(prev: ListSearch, patch: Partial<ListSearch>): ListSearch {
  const next: ListSearch = { ...prev, ...patch };
  if (!('offset' in patch)) delete next.offset;
  for (const key of Object.keys(next) as (keyof ListSearch)[]) {
    if (next[key] === '' || next[key] === undefined || next[key] === 0) delete next[key];
  }
  if (next.limit === DEFAULT_LIMIT) delete next.limit;
  return next;
}

/** List state kept in the URL search params (the default for a page's main list). */
export function useUrlListState(): ListState {
  const search = useSearch({ strict: false }) as ListSearch;
  const navigate = useNavigate();
  const update = useCallback(
    (patch: Partial<ListSearch>) => {
      void navigate({
        to: '.',
        search: (prev: ListSearch) => merge(prev, patch),
        replace: !('offset' in patch),
      });
    },
    [navigate],
  );
  return { ...resolve(search), update };
}

/** List state kept in component state, for secondary lists that share a page (Settings). */
export function useLocalListState(): ListState {
  const [search, setSearch] = useState<ListSearch>({});
  const update = useCallback((patch: Partial<ListSearch>) => setSearch((prev) => merge(prev, patch)), []);
  return { ...resolve(search), update };
}
