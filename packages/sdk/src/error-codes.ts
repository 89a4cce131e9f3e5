/**
 * Every code the SDK can raise: the server's client-API error codes and validation outcomes, plus the
 * SDK's own offline checks. Catch `KeywardError` and switch on `code`, or catch a subclass.
 *
 * @example
 * try { await client.validate(); }
 * catch (err) {
 *   if (err instanceof LicenseError && err.code === 'LICENSE_SUSPENDED') showSuspendedNotice(err.message);
 *   else if (err instanceof OfflineGraceExpiredError) askToGoOnline();
 *   else throw err;
 * }
 */
export type KeywardErrorCode =
  // license state (server outcomes and activation refusals)
  | 'LICENSE_NOT_FOUND'
  | 'LICENSE_INACTIVE'
  | 'LICENSE_SUSPENDED'
  | 'LICENSE_REVOKED'
  | 'LICENSE_EXPIRED'
  | 'MAINTENANCE_EXPIRED'
  | 'LICENSE_INVALID'
  | 'LICENSE_USER_NOT_ASSIGNED'
  | 'LEASE_EXPIRED'
  | 'DEVICE_ALREADY_ACTIVATED'
  | 'ACTIVATION_LIMIT_REACHED'
  | 'ACTIVATION_NOT_FOUND'
  | 'DEVICE_NOT_ACTIVATED'
  | 'DEVICE_BLOCKED'
  | 'DEVICE_MISMATCH'
  | 'FINGERPRINT_MISMATCH'
  | 'RESTRICTION_VIOLATION'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'FEATURE_NOT_LICENSED'
  | 'INSUFFICIENT_LICENSE_TIER'
  | 'USAGE_LIMIT_EXCEEDED'
  // request problems
  | 'INVALID_REQUEST'
  | 'INVALID_FIELD'
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'OFFLINE_REQUEST_INVALID'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'NETWORK_ERROR'
  // offline checks done by the SDK
  | 'NOT_ACTIVATED'
  | 'OFFLINE_GRACE_EXPIRED'
  | 'CLOCK_TAMPER'
  | 'FILE_MALFORMED'
  | 'FILE_TAMPERED'
  | 'FILE_EXPIRED'
  | 'SIGNATURE_INVALID'
  | 'UNSUPPORTED_ALG'
  | 'KEY_UNKNOWN'
  | 'ACCOUNT_MISMATCH'
  | 'DECRYPTION_FAILED'
  | 'EMERGENCY_CODE_INVALID'
  | 'EMERGENCY_CODE_USED'
  | 'EMERGENCY_CODE_EXPIRED'
  // receiving Keyward's webhooks (verifyWebhook, @keyward/sdk/node)
  | 'WEBHOOK_SIGNATURE_INVALID';
