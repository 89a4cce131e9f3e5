import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { requestJson } from '../api/client';
import { describeError } from '../api/errors';
import type { Page, Plan, Product } from '../api/resources';
import type { Role } from '../api/session';
import { meQuery } from './auth';
import { type Action, can } from './permissions';

/** The signed-in user's role (undefined while loading). */
export function useRole(): Role | undefined {
  return useQuery(meQuery).data?.user.role;
}

/** True when the signed-in role may perform `action` (hides buttons; the server still decides). */
export function useCan(action: Action): boolean {
  return can(useRole(), action);
}

/** Plans for pickers (first 100 by rank). */
export function usePlanOptions() {
  return useQuery({
    queryKey: ['/api/v1/plans', 'options'],
    queryFn: ({ signal }) =>
      requestJson<Page<Plan>>('/api/v1/plans', { query: { limit: 100, offset: 0, sort: 'rank' }, signal }),
    staleTime: 60_000,
    select: (page) => page.data,
  });
}

/** One plan by id (archived ones too), for records that carry only its id. */
export function usePlan(id: string | undefined) {
  return useQuery({
    queryKey: ['/api/v1/plans', id],
    queryFn: ({ signal }) => requestJson<Plan>(`/api/v1/plans/${id}`, { signal }),
    enabled: id !== undefined,
    staleTime: 60_000,
  });
}

/** Invalidate every cached query whose key starts with one of the given endpoints. */
export function useInvalidate() {
  const client = useQueryClient();
  return (...prefixes: string[]) =>
    client.invalidateQueries({
      predicate: (q) =>
        prefixes.some((p) => typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith(p)),
    });
}

/** State of a confirmation dialog that carries which action it confirms. */
export function usePending<T>() {
  const [pending, setPending] = useState<T | null>(null);
  return { pending, open: setPending, close: () => setPending(null) };
}

/** Products for pickers (first 100). */
export function useProductOptions() {
  return useQuery({
    queryKey: ['/api/v1/products', 'options'],
    queryFn: ({ signal }) =>
      requestJson<Page<Product>>('/api/v1/products', { query: { limit: 100, offset: 0 }, signal }),
    staleTime: 60_000,
    select: (page) => page.data,
  });
}

/**
 * A form's submission: `running` names what is being sent (a form with one button uses the default), and
 * `error` says in words why it failed. `run` resolves either way; it reports failure through `error`.
 */
export function useSubmit<K extends string = 'submit'>() {
  const [running, setRunning] = useState<K | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>, what = 'submit' as K) => {
    setRunning(what);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setRunning(null);
    }
  };
  return { busy: running !== null, running, error, setError, run };
}
