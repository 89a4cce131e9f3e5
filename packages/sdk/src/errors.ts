import type { KeywardErrorCode } from './error-codes.js';
import { ERROR_CATALOGUE } from './messages.js';

export type { KeywardErrorCode } from './error-codes.js';

/**
 * Base class of every error the SDK throws; `code` says what happened, `message` says what to do.
 *
 * @example
 * catch (err) { if (err instanceof KeywardError) log(`${err.code}: ${err.message}`); }
 */
export class KeywardError extends Error {
  readonly code: KeywardErrorCode;
  /** HTTP status when the server answered, else undefined. */
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** Where the code is explained on your license server (set by KeywardClient). */
  docUrl: string | undefined;

  /** A sentence for your app's user (a dialog), while `message` is for you and your logs. */
  get userMessage(): string {
    return ERROR_CATALOGUE[this.code]?.userMessage ?? 'Something went wrong while checking your license.';
  }

  constructor(
    code: KeywardErrorCode,
    message: string,
    opts: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = opts.status;
    this.details = opts.details;
    this.docUrl = undefined;
  }
}

/**
 * The license cannot be used: not found, suspended, revoked, expired, device blocked, limit reached …
 *
 * @example
 * if (err instanceof LicenseError && err.code === 'ACTIVATION_LIMIT_REACHED') offerDeactivation();
 */
export class LicenseError extends KeywardError {}
/**
 * The server could not be reached (or answered 5xx); validate() falls back to offline when it can.
 *
 * @example
 * if (err instanceof NetworkError) showBanner('Working offline');
 */
export class NetworkError extends KeywardError {}
/**
 * The request was refused as malformed or too frequent.
 *
 * @example
 * if (err instanceof RequestError && err.code === 'RATE_LIMITED') retryLater();
 */
export class RequestError extends KeywardError {}
/**
 * The machine's clock went backwards, or a token/file claims to be issued in the future.
 *
 * @example
 * if (err instanceof ClockTamperError) alert('Please correct your computer clock');
 */
export class ClockTamperError extends KeywardError {}
/**
 * Offline too long: the last successful online check is older than the offline grace period.
 *
 * @example
 * if (err instanceof OfflineGraceExpiredError) askToGoOnline(err.details?.grace_ended_at);
 */
export class OfflineGraceExpiredError extends KeywardError {}
/**
 * A license file or token failed verification (bad signature, altered, wrong algorithm, expired).
 *
 * @example
 * if (err instanceof VerificationError && err.code === 'FILE_EXPIRED') requestNewLicenseFile();
 */
export class VerificationError extends KeywardError {}
/**
 * An emergency code is wrong for this device, already used, or expired.
 *
 * @example
 * if (err instanceof EmergencyCodeError) showCodeField(err.message);
 */
export class EmergencyCodeError extends KeywardError {}

const LICENSE_CODES = new Set<string>([
  'LICENSE_NOT_FOUND',
  'ACCOUNT_MISMATCH',
  'LICENSE_INACTIVE',
  'LICENSE_SUSPENDED',
  'LICENSE_REVOKED',
  'LICENSE_EXPIRED',
  'MAINTENANCE_EXPIRED',
  'LICENSE_INVALID',
  'LICENSE_USER_NOT_ASSIGNED',
  'LEASE_EXPIRED',
  'DEVICE_ALREADY_ACTIVATED',
  'ACTIVATION_LIMIT_REACHED',
  'ACTIVATION_NOT_FOUND',
  'DEVICE_NOT_ACTIVATED',
  'DEVICE_BLOCKED',
  'DEVICE_MISMATCH',
  'FINGERPRINT_MISMATCH',
  'RESTRICTION_VIOLATION',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'FEATURE_NOT_LICENSED',
  'INSUFFICIENT_LICENSE_TIER',
  'USAGE_LIMIT_EXCEEDED',
]);

/**
 * The typed error for a server code (an HTTP error body or a `valid: false` outcome).
 *
 * @example
 * if (!answer.valid) throw errorForCode(answer.code, answer.reason); // → LicenseError('LICENSE_SUSPENDED', …)
 */
export function errorForCode(
  code: string,
  message: string,
  status?: number,
  details?: Record<string, unknown>,
): KeywardError {
  const opts = { ...(status === undefined ? {} : { status }), ...(details ? { details } : {}) };
  if (LICENSE_CODES.has(code)) return new LicenseError(code as KeywardErrorCode, message, opts);
  if (status !== undefined && status >= 500) return new NetworkError('SERVER_ERROR', message, opts);
  const known = code as KeywardErrorCode;
  return new RequestError(known, message, opts);
}

/** Answers that mean the server is busy, not that the license or the request is bad. */
const BUSY_CODES: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'DATABASE_UNAVAILABLE',
]);

/**
 * The server could not answer: unreachable, a 5xx, or busy (rate limited, unavailable). That says
 * nothing about the license, so the SDK answers from its cache and keeps what it meant to send.
 */
export function serverDidNotAnswer(err: unknown): err is KeywardError {
  return err instanceof NetworkError || (err instanceof KeywardError && BUSY_CODES.has(err.code));
}
