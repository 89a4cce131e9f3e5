/**
 * @keyward/sdk — license your app with Keyward: activate, validate online with offline fallback,
 * verify license files and tokens offline, emergency codes, heartbeats and feature gates.
 * Runs in Node, Electron and browsers. Node-only helpers (file storage, machine fingerprint) are in
 * `@keyward/sdk/node`.
 */
export { KeywardClient, type KeywardClientOptions, type LicenseState, type UsageLine } from './client.js';
export type { PublicJwk, SignatureAlg } from './crypto.js';
export {
  checkEmergencyCode,
  type EmergencyCode,
  type EmergencyCommitments,
  parseEmergencyCode,
} from './emergency.js';
export {
  ClockTamperError,
  EmergencyCodeError,
  errorForCode,
  KeywardError,
  type KeywardErrorCode,
  LicenseError,
  NetworkError,
  OfflineGraceExpiredError,
  RequestError,
  VerificationError,
} from './errors.js';
export type { KeywardEventName, KeywardEvents } from './events.js';
export { fingerprint } from './fingerprint.js';
export {
  type LicensedFeature,
  type LicenseFileContents,
  normalizeLicenseKey,
  type VerifiedLicenseFile,
  type VerifyLicenseFileOptions,
  verifyLicenseFile,
} from './license-file.js';
export { ERROR_CATALOGUE, type ErrorExplanation, errorDocUrl } from './messages.js';
export type { ActivateOptions } from './online.js';
export { type KeywardStorage, LocalStorageStorage, MemoryStorage } from './storage.js';
export { LICENSE_AUDIENCE, type LicenseTokenClaims, verifyLicenseToken } from './token.js';
export type { UsageAnswer } from './usage.js';
