/** The one error body every Keyward endpoint answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; request_id?: string };
}

/** Code used when the request never got an HTTP answer (offline, DNS, CORS, aborted). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

/**
 * A failed API call, normalised: HTTP errors carry the server's code and request id, network
 * failures have status 0 and code NETWORK_ERROR. Everything the UI shows about errors comes from here.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId?: string,
    /** Seconds from the Retry-After header of a 429/503. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
  );
}

function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Builds an ApiError from a response and its already-parsed body (which may be anything or nothing). */
export function apiErrorFrom(response: Response, body: unknown): ApiError {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (isErrorBody(body)) {
    const { code, message, details, request_id } = body.error;
    return new ApiError(
      response.status,
      code,
      message,
      details ?? {},
      request_id ?? requestId,
      retryAfterOf(response),
    );
  }
  const message =
    response.status >= 500 ? 'The server had a problem.' : `Request failed (${response.status}).`;
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    message,
    {},
    requestId,
    retryAfterOf(response),
  );
}

/** Reads the body of a failed response and turns it into an ApiError. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return apiErrorFrom(response, body);
}

/** Anything thrown by fetch or our helpers, as an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') {
    return new ApiError(0, 'ABORTED', 'The request was cancelled.');
  }
  return new ApiError(0, NETWORK_ERROR, 'Could not reach the server. Check your connection and try again.');
}

/** A sentence for people: server messages as they are, plus the wait for rate limits. */
export function describeError(error: unknown): string {
  const e = toApiError(error);
  if (e.code === 'RATE_LIMITED' || e.status === 429) {
    return e.retryAfter
      ? `Too many attempts. Try again in ${e.retryAfter} second${e.retryAfter === 1 ? '' : 's'}.`
      : 'Too many attempts. Try again in a moment.';
  }
  return e.message || 'Something went wrong.';
}
