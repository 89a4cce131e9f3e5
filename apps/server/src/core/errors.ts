/**
 * The closed list of error codes Keyward answers with, each mapped to its HTTP status.
 * `satisfies Record<ErrorCode, number>` makes a new code without a status a compile error.
 */
export const ERROR_STATUS = {
  // request shape
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  MISSING_FIELD: 422,
  UNKNOWN_FIELD: 422,
  INVALID_FIELD: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
  // auth
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  PASSWORD_TOO_WEAK: 422,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  REFRESH_TOKEN_REUSED: 401,
  LINK_INVALID: 400,
  FORBIDDEN: 403,
  ACCOUNT_DISABLED: 403,
  MULTI_ACCOUNT_DISABLED: 403,
  RATE_LIMITED: 429,
  // resources
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  CONCURRENT_UPDATE: 409,
  INVALID_STATE_TRANSITION: 409,
  IN_USE: 409,
  // licensing (client API)
  LICENSE_NOT_FOUND: 404,
  LICENSE_INACTIVE: 403,
  LICENSE_SUSPENDED: 403,
  LICENSE_REVOKED: 403,
  LICENSE_EXPIRED: 403,
  MAINTENANCE_EXPIRED: 403,
  ACTIVATION_LIMIT_REACHED: 403,
  LICENSE_USER_NOT_ASSIGNED: 403,
  DEVICE_ALREADY_ACTIVATED: 409,
  ACTIVATION_NOT_FOUND: 404,
  DEVICE_BLOCKED: 403,
  DEVICE_MISMATCH: 403,
  FINGERPRINT_MISMATCH: 403,
  RESTRICTION_VIOLATION: 403,
  EMERGENCY_CODE_INVALID: 403,
  OFFLINE_REQUEST_INVALID: 422,
  // entitlements
  LICENSE_MISSING: 403,
  LICENSE_INVALID: 403,
  FEATURE_NOT_LICENSED: 403,
  INSUFFICIENT_LICENSE_TIER: 403,
  USAGE_LIMIT_EXCEEDED: 429,
  // billing / webhooks
  WEBHOOK_SIGNATURE_INVALID: 400,
  WEBHOOK_URL_NOT_ALLOWED: 422,
  PAYMENT_PROVIDER_NOT_CONFIGURED: 501,
  PAYMENT_PROVIDER_ERROR: 502,
  // faults
  DATABASE_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Codes a client may retry unchanged after a pause. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  'DATABASE_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'CONCURRENT_UPDATE',
  'IDEMPOTENCY_KEY_IN_USE',
]);

/** An expected failure with a code from the closed list; the error handler renders it. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Shorthand for the uniform "not in your account" answer (never reveals another account's ids). */
export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`);
}

/** The one error body every error response uses. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, unknown>; request_id: string };
}
