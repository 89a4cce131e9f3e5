import { QueryClient } from '@tanstack/react-query';
import { toApiError } from '../api/errors';

/** Retries only what may succeed on its own: network faults, 5xx, and rate limits after their wait. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const e = toApiError(error);
  if (e.status === 429) return failureCount < 1 && (e.retryAfter ?? 0) <= 10;
  return (e.status === 0 || e.status >= 500) && e.code !== 'ABORTED' && failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetry,
        retryDelay: (attempt, error) => {
          const after = toApiError(error).retryAfter;
          return after !== undefined ? after * 1000 : Math.min(1000 * 2 ** attempt, 8000);
        },
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
