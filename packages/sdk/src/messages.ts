import type { KeywardErrorCode } from './error-codes.js';

/** One error code explained three ways: what happened, what the app's user reads, what the vendor does. */
export interface ErrorExplanation {
  /** What happened, for the developer. */
  meaning: string;
  /** A sentence fit for a dialog in the licensed app: no jargon, says what the person can do. */
  userMessage: string;
  /** What the vendor (or their support) should do about it. */
  vendorAction: string;
}

const contact = 'If this is unexpected, contact the seller of this software.';

/**
 * Every code the SDK can raise, explained. The server publishes the same table at `/docs/errors`
 * (`KeywardError.docUrl` points into it), so the two cannot drift.
 */
export const ERROR_CATALOGUE: Record<KeywardErrorCode, ErrorExplanation> = {
  LICENSE_NOT_FOUND: {
    meaning: 'No license matches the key (or the license was deleted).',
    userMessage: 'This license key was not recognised. Check it for typos and try again.',
    vendorAction: 'Look the key up in the dashboard; resend the customer their key.',
  },
  LICENSE_INACTIVE: {
    meaning: 'The license is pending or starts later.',
    userMessage: `This license is not active yet. ${contact}`,
    vendorAction: 'Activate the license, or check its start date.',
  },
  LICENSE_SUSPENDED: {
    meaning: 'Staff suspended the license (e.g. a failed payment).',
    userMessage: `This license is suspended. ${contact}`,
    vendorAction: 'Reinstate the license once the reason (often payment) is resolved.',
  },
  LICENSE_REVOKED: {
    meaning: 'The license was revoked; it cannot be used again.',
    userMessage: `This license has been revoked. ${contact}`,
    vendorAction: 'Issue a new license if the revocation was a mistake.',
  },
  LICENSE_EXPIRED: {
    meaning: 'The license expired and its grace period is over.',
    userMessage: 'This license has expired. Renew it to keep using the software.',
    vendorAction: 'Renew the license, or point the customer to your renewal page.',
  },
  MAINTENANCE_EXPIRED: {
    meaning: "This build was released after the license's maintenance (updates) ended.",
    userMessage:
      'Your license does not cover this version. Keep using the version you had, or renew to get updates.',
    vendorAction: "Renew the customer's maintenance, or let them reinstall an older build.",
  },
  LICENSE_INVALID: {
    meaning: 'The license cannot be used (a generic refusal; the reason says why).',
    userMessage: `This license cannot be used right now. ${contact}`,
    vendorAction: 'Open the license in the dashboard; its status and events say why.',
  },
  LICENSE_USER_NOT_ASSIGNED: {
    meaning: 'A named-user license: this user has no seat on it.',
    userMessage: 'You have not been given a seat on this license. Ask your administrator to assign you one.',
    vendorAction: "Assign the user on the license's Users tab, or sell more seats.",
  },
  LEASE_EXPIRED: {
    meaning: 'A floating seat was released because it was not renewed in time.',
    userMessage:
      'Your floating seat was released while the app was inactive. Reconnect to take a seat again.',
    vendorAction: 'Usually none; a longer lease window helps machines that sleep often.',
  },
  DEVICE_ALREADY_ACTIVATED: {
    meaning: 'The machine already holds a seat of another license of the same product or vendor.',
    userMessage: 'This computer is already activated with another license. Deactivate it there first.',
    vendorAction: 'Deactivate the other seat, or relax the policy’s device uniqueness.',
  },
  ACTIVATION_LIMIT_REACHED: {
    meaning: "Every seat of the license is in use (devices, cores, leases or a user's devices).",
    userMessage:
      'This license is already in use on its maximum number of computers. Deactivate one of them, then try again.',
    vendorAction: 'Free a seat in the dashboard or portal, or sell the customer more seats.',
  },
  ACTIVATION_NOT_FOUND: {
    meaning: 'The seat no longer exists (deactivated).',
    userMessage: 'This computer is no longer activated. Enter your license key again.',
    vendorAction: 'None; the device activates again with its key.',
  },
  DEVICE_NOT_ACTIVATED: {
    meaning: "This device's seat was deactivated, or it never took one.",
    userMessage: 'This computer is no longer activated. Enter your license key again.',
    vendorAction: 'None; the device activates again with its key.',
  },
  DEVICE_BLOCKED: {
    meaning: 'The vendor blocked this device.',
    userMessage: `This computer cannot use this software. ${contact}`,
    vendorAction: "Unblock the device in the dashboard's device block list if it was a mistake.",
  },
  DEVICE_MISMATCH: {
    meaning: 'The token or file was issued to another device.',
    userMessage: 'This license was activated on another computer. Activate it on this one.',
    vendorAction: 'None; a copied license file or token was used.',
  },
  FINGERPRINT_MISMATCH: {
    meaning: 'Another machine claims this device id (a copied id or cloned disk).',
    userMessage: `This computer does not match its activation. ${contact}`,
    vendorAction: 'Check the fingerprint-mismatch event; deactivate the old seat to move the license.',
  },
  RESTRICTION_VIOLATION: {
    meaning: "The license's restrictions (country, IP range, platform, version, host) refuse this use.",
    userMessage: `This license cannot be used here. ${contact}`,
    vendorAction: "Review the license's restrictions.",
  },
  TOKEN_INVALID: {
    meaning: 'The activation token is malformed, forged or signed by a retired key.',
    userMessage: 'Your activation needs to be renewed. Enter your license key again.',
    vendorAction: 'None; the app activates again.',
  },
  TOKEN_EXPIRED: {
    meaning: 'The activation token is past its lifetime.',
    userMessage: 'Your activation needs to be renewed. Connect to the internet and try again.',
    vendorAction: "None; or lengthen the policy's token lifetime for devices that stay offline.",
  },
  FEATURE_NOT_LICENSED: {
    meaning: "The license's plan does not include the feature.",
    userMessage: 'This feature is not included in your plan. Upgrade to use it.',
    vendorAction: 'Offer an upgrade, or add the feature to the license.',
  },
  INSUFFICIENT_LICENSE_TIER: {
    meaning: 'The feature needs a higher plan.',
    userMessage: 'This feature needs a higher plan. Upgrade to use it.',
    vendorAction: 'Offer an upgrade.',
  },
  USAGE_LIMIT_EXCEEDED: {
    meaning: 'A metered quota or named limit is used up for the period.',
    userMessage: "You have reached your plan's usage limit for now. It resets later, or upgrade for more.",
    vendorAction: 'Raise the limit on the license or offer a bigger plan.',
  },
  INVALID_REQUEST: {
    meaning: 'The request was malformed.',
    userMessage: 'Something went wrong while checking your license. Please try again.',
    vendorAction: "A bug in the app's integration: the error's message says what was wrong.",
  },
  INVALID_FIELD: {
    meaning: 'A field had a value the server does not take.',
    userMessage: 'Something went wrong while checking your license. Please try again.',
    vendorAction: "A bug in the app's integration: the error's details name the field.",
  },
  MISSING_FIELD: {
    meaning: 'A required field was missing (e.g. `user` for a named-user license).',
    userMessage: 'Some information is missing to activate this license. Please try again.',
    vendorAction: "Send the field the error's details name (for named users: `user`).",
  },
  UNKNOWN_FIELD: {
    meaning: 'The request had a field the server does not know.',
    userMessage: 'Something went wrong while checking your license. Please try again.',
    vendorAction: 'Update the SDK, or remove the field.',
  },
  OFFLINE_REQUEST_INVALID: {
    meaning: 'An offline activation request was malformed or replayed.',
    userMessage: 'This activation request could not be used. Create a new one and try again.',
    vendorAction: 'Have the customer generate a fresh activation request.',
  },
  RATE_LIMITED: {
    meaning: 'Too many requests; the server said when to retry.',
    userMessage: 'The license server is busy. The app keeps working and will check again shortly.',
    vendorAction: 'None usually; see the README for the rate-limit arithmetic.',
  },
  SERVER_ERROR: {
    meaning: 'The license server failed (5xx).',
    userMessage: 'The license server is having trouble. The app keeps working and will check again later.',
    vendorAction: "Check the server's health and logs.",
  },
  NETWORK_ERROR: {
    meaning: 'The license server could not be reached.',
    userMessage: 'Could not reach the license server. Check your internet connection.',
    vendorAction: 'None; the app works offline within its grace period.',
  },
  NOT_ACTIVATED: {
    meaning: 'No license is installed on this device yet.',
    userMessage: 'Enter your license key to activate this software.',
    vendorAction: 'None.',
  },
  OFFLINE_GRACE_EXPIRED: {
    meaning: 'The app has been offline longer than its grace period.',
    userMessage:
      'Connect to the internet to keep using this software, or ask the seller for an emergency code.',
    vendorAction: 'Issue an emergency code if the customer cannot go online.',
  },
  CLOCK_TAMPER: {
    meaning: "The machine's clock went backwards, or a token is from the future.",
    userMessage: "Your computer's date and time look wrong. Correct them, then try again.",
    vendorAction: 'None; check the suspicious-activity report if it repeats.',
  },
  FILE_MALFORMED: {
    meaning: 'The license file could not be read.',
    userMessage: 'This license file could not be read. Ask the seller for a new one.',
    vendorAction: 'Issue the license file again.',
  },
  FILE_TAMPERED: {
    meaning: 'The license file was changed after it was signed.',
    userMessage: `This license file is not valid. ${contact}`,
    vendorAction: 'Issue the license file again; check the suspicious-activity report.',
  },
  FILE_EXPIRED: {
    meaning: 'The license file is past its lifetime.',
    userMessage: 'This license file has expired. Ask the seller for a new one.',
    vendorAction: 'Issue a new license file.',
  },
  WEBHOOK_SIGNATURE_INVALID: {
    meaning:
      "A webhook's signature did not verify with the endpoint's secret, or its timestamp is over 5 minutes off.",
    userMessage: 'A message from the license server could not be verified.',
    vendorAction:
      "Verify the raw body (not re-serialised JSON) with the endpoint's current secret; check the receiver's clock.",
  },
  SIGNATURE_INVALID: {
    meaning: 'A signature did not verify.',
    userMessage: `This license could not be verified. ${contact}`,
    vendorAction: 'Check the app ships the right public keys; issue the license again.',
  },
  UNSUPPORTED_ALG: {
    meaning: 'A token or file uses an algorithm the SDK does not accept.',
    userMessage: `This license could not be verified. ${contact}`,
    vendorAction: 'Use EdDSA or RS256 keys.',
  },
  KEY_UNKNOWN: {
    meaning: 'A token or file was signed by a key the app does not know.',
    userMessage: 'Your activation needs to be renewed. Connect to the internet and try again.',
    vendorAction: 'The app refreshes its keys online; check key rotation overlaps.',
  },
  ACCOUNT_MISMATCH: {
    meaning:
      "The license, its token or file belongs to another Keyward account than the one the app is pinned to (the client's accountId option).",
    userMessage: `This license key is not for this product. Check that you entered the right key. ${contact}`,
    vendorAction:
      'Issue the customer a license from the account the app is built for, or correct the accountId the app is built with.',
  },
  DECRYPTION_FAILED: {
    meaning: 'An encrypted license file could not be decrypted with this license key.',
    userMessage: 'This license file does not match your license key. Check both and try again.',
    vendorAction: 'Issue the file for the right license.',
  },
  EMERGENCY_CODE_INVALID: {
    meaning: 'The emergency code is wrong for this device.',
    userMessage: 'This emergency code is not valid for this computer. Check it and try again.',
    vendorAction: "Generate the code for this device's activation.",
  },
  EMERGENCY_CODE_USED: {
    meaning: 'The emergency code was already used.',
    userMessage: 'This emergency code has already been used. Ask the seller for a new one.',
    vendorAction: 'Issue another emergency code.',
  },
  EMERGENCY_CODE_EXPIRED: {
    meaning: 'The emergency code is out of date.',
    userMessage: 'This emergency code has expired. Ask the seller for a new one.',
    vendorAction: 'Issue another emergency code.',
  },
};

/** Where a code is explained on the license server. */
export function errorDocUrl(serverUrl: string, code: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/docs/errors#${code}`;
}
