import createClient from 'openapi-fetch';
import { ApiError, apiErrorFrom, errorFromResponse, toApiError } from './errors';
import type { paths } from './schema';
import { session } from './session';

/** Same origin by default; set VITE_API_URL at build time to talk to another host. */
const BASE_URL: string = import.meta.env.VITE_API_URL ?? '';

/** Endpoints that carry credentials in their body and must never trigger a refresh themselves. */
const TOKEN_ENDPOINTS = /\/api\/v1\/auth\/(login|refresh|logout)$/;

let refreshInFlight: Promise<boolean> | null = null;

/**
 * Trades the stored refresh token for a new session. Resolves true on success, false when the server
 * refused the token (the session is then ended); throws on network or server faults so a flaky
 * connection does not sign anyone out. Concurrent callers in this tab share one request, and a Web Lock
 * serialises tabs, so a rotated refresh token is never presented twice (the server treats reuse as theft).
 */
export function refreshSession(): Promise<boolean> {
  refreshInFlight ??= withRefreshLock(exchangeRefreshToken).finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    // The lock resolves with the task's settled value; lib.dom types it as a nested promise.
    return navigator.locks.request('keyward-refresh-token', task) as unknown as Promise<T>;
  }
  return task();
}

async function exchangeRefreshToken(): Promise<boolean> {
  const refreshToken = session.refreshToken(); // read inside the lock: another tab may have rotated it
  if (!refreshToken) {
    session.end('expired');
    return false;
  }
  let response: Response;
  try {
    response = await fetch(`${BASE_URL}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
  } catch (error) {
    throw toApiError(error);
  }
  if (response.ok) {
    session.start(await response.json());
    return true;
  }
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    session.end('expired');
    return false;
  }
  throw await errorFromResponse(response);
}

function authorize(request: Request): Request {
  const token = session.accessToken();
  if (token) request.headers.set('authorization', `Bearer ${token}`);
  return request;
}

/**
 * fetch with the staff session: attaches the access token (refreshing first when it is missing or about
 * to expire) and, on a 401, refreshes once and replays the request. If the refresh is refused the
 * session ends and the original 401 is returned.
 */
export async function authFetch(request: Request): Promise<Response> {
  if (TOKEN_ENDPOINTS.test(new URL(request.url, window.location.href).pathname)) return fetch(request);
  if (!session.accessTokenIsFresh() && session.refreshToken()) await refreshSession();

  const replay = request.clone(); // the body of the first attempt is consumed by fetch
  const sentWith = session.accessToken();
  const response = await fetch(authorize(request));
  if (response.status !== 401 || !session.refreshToken()) return response;

  // Another request may already have refreshed while this one was in flight.
  const current = session.accessToken();
  const alreadyRefreshed = current !== null && current !== sentWith;
  if (!alreadyRefreshed && !(await refreshSession())) return response;
  return fetch(authorize(replay));
}

/** Typed client for the staff API (types from the server's OpenAPI document). */
export const api = createClient<paths>({ baseUrl: BASE_URL, fetch: authFetch });

/** Typed client without credentials, for the public portal endpoints. */
export const publicApi = createClient<paths>({ baseUrl: BASE_URL });

/**
 * Turns an openapi-fetch result into data or a thrown ApiError, for use as a TanStack Query `queryFn`.
 * @example const me = await unwrap(api.GET('/api/v1/auth/me'));
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw toApiError(error);
  }
  if (result.error !== undefined || !result.response.ok) {
    throw apiErrorFrom(result.response, result.error);
  }
  return result.data as T;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Send the staff session (default true). The portal passes false. */
  auth?: boolean;
  signal?: AbortSignal;
}

/**
 * JSON request to an endpoint that is not in the generated schema yet. Once `npm run gen:api` covers it,
 * switch the caller to the typed `api.GET(...)` so the compiler checks paths, parameters and bodies.
 */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(`${BASE_URL}${path}`, window.location.href);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  const headers = new Headers({ accept: 'application/json' });
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  const request = new Request(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: options.signal ?? null,
  });
  let response: Response;
  try {
    response = await (options.auth === false ? fetch(request) : authFetch(request));
  } catch (error) {
    throw toApiError(error);
  }
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export { ApiError };
