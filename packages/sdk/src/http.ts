import { errorForCode, NetworkError } from './errors.js';
import type { ErrorAnswer } from './wire.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * JSON over HTTP with the SDK's error rules: no answer or a 5xx is a `NetworkError` (the caller may
 * fall back to offline); a 4xx becomes the typed error for the server's code.
 */
export async function requestJson<T>(
  fetchImpl: FetchLike,
  url: string,
  init: { method?: string; body?: unknown; timeoutMs: number },
): Promise<T> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers:
        init.body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
  } catch (err) {
    throw new NetworkError(
      'NETWORK_ERROR',
      `The licensing server could not be reached: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok && body !== undefined) return body as T;
  const error = (body as ErrorAnswer | undefined)?.error;
  if (res.status >= 500 || !error?.code)
    throw new NetworkError(
      'SERVER_ERROR',
      `The licensing server answered ${res.status}${error?.message ? `: ${error.message}` : ''}`,
      { status: res.status },
    );
  throw errorForCode(error.code, error.message ?? error.code, res.status, error.details);
}
