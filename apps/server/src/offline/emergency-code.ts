import { createHmac, hash } from 'node:crypto';
import type { Keyring } from '../crypto/master-key.js';

/**
 * Emergency codes unlock an app for 24 h when it cannot reach the server (docs/offline-licensing.md).
 *
 * The app must check a code without a secret it could leak, so the server commits to the codes in
 * advance: every activation token and license file carries `emc`, the truncated SHA-256 of each of the
 * seat's EMERGENCY_SLOTS future codes bound to its device id. A code is `slot ‖ expiry ‖ secret`; the
 * SDK hashes the secret with its own device id and compares with the signed commitment, so a code works
 * only on its device and cannot be forged from what the device holds. Single use is kept by the SDK
 * (used slots are persisted) and by the server (a slot is issued once).
 */
export const EMERGENCY_SLOTS = 8;
export const EMERGENCY_CODE_TTL_MS = 24 * 3_600_000;
const SECRET_BYTES = 10;
const COMMITMENT_BYTES = 12;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The secret of slot `slot` of an activation, derived from the server's digest key (never stored). */
function slotSecret(keyring: Keyring, activationId: string, slot: number): Buffer {
  return createHmac('sha256', keyring.digest)
    .update(`emergency:${activationId}:${slot}`)
    .digest()
    .subarray(0, SECRET_BYTES);
}

const DOMAIN = Buffer.from('keyward-emergency-v1');
/** Base64url characters of a commitment: 12 bytes are exactly 16 characters. */
const COMMITMENT_CHARS = (COMMITMENT_BYTES / 3) * 4;

/**
 * What the SDK recomputes, per slot: H("keyward-emergency-v1" ‖ slot ‖ secret ‖ device id), truncated.
 * Hashed one-shot over one reused buffer.
 */
function commitments(secrets: Buffer[], deviceId: string): string[] {
  const device = Buffer.from(deviceId, 'utf8');
  const input = Buffer.allocUnsafe(DOMAIN.length + 1 + SECRET_BYTES + device.length);
  DOMAIN.copy(input, 0);
  device.copy(input, DOMAIN.length + 1 + SECRET_BYTES);
  return secrets.map((secret, slot) => {
    input[DOMAIN.length] = slot;
    secret.copy(input, DOMAIN.length + 1, 0, SECRET_BYTES);
    return hash('sha256', input, 'base64url').slice(0, COMMITMENT_CHARS);
  });
}

/** The `emc` claim of a seat's tokens and license files. */
export function emergencyCommitments(keyring: Keyring, activationId: string, deviceId: string): string[] {
  const secrets = Array.from({ length: EMERGENCY_SLOTS }, (_, slot) =>
    slotSecret(keyring, activationId, slot),
  );
  return commitments(secrets, deviceId);
}

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out;
}

/** The typeable code for a slot: 24 Crockford base32 characters in four groups of six. */
export function emergencyCode(keyring: Keyring, activationId: string, slot: number, expiresAt: Date): string {
  const bytes = Buffer.alloc(5 + SECRET_BYTES);
  bytes[0] = slot;
  bytes.writeUInt32BE(Math.floor(expiresAt.getTime() / 60_000), 1);
  slotSecret(keyring, activationId, slot).copy(bytes, 5);
  return base32(bytes).match(/.{6}/g)!.join('-');
}
