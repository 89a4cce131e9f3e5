import { createHmac, hash } from 'node:crypto';
import type { Keyring } from '../crypto/master-key.js';

/**
 * Emergency codes unlock an app for 24 h when it cannot reach the server (docs/offline-licensing.md).
 *
 * The app must check a code without a secret it could leak, so the server commits in advance, in every
 * activation token and license file of a seat:
 * - `emc`: per slot (EMERGENCY_SLOTS of them), the truncated SHA-256 of the slot's secret bound to the
 *   device id. A code works only on its device, once per slot, and cannot be made from what the device
 *   holds.
 * - `emt`: the root of the seat's month chain for the document's era (an era is ERA_MONTHS months
 *   since 2020-01), and in the era's last NEXT_ERA_MONTHS months the next era's root too. A code
 *   carries the chain value of the month it expires in; the app hashes it forward to the root, so the expiry inside a code cannot be moved to a later month:
 *   that needs a hash preimage. (Within its month it is only as good as the code's single use.)
 *
 * A code is `slot ‖ expiry (minutes since 1970) ‖ slot secret (9 bytes) ‖ month value (8 bytes)`,
 * 22 bytes typed as 36 Crockford base32 characters.
 */
export const EMERGENCY_SLOTS = 8;
export const EMERGENCY_CODE_TTL_MS = 24 * 3_600_000;
const SECRET_BYTES = 9;
const CHAIN_BYTES = 8;
const COMMITMENT_BYTES = 12;
/** Months per era: each seat has one chain per era, of this length. */
export const ERA_MONTHS = 60;
/** In its era's last months a document also carries the next era's root, so its codes keep working. */
const NEXT_ERA_MONTHS = 12;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const SLOT_DOMAIN = Buffer.from('keyward-emergency-v2');
const CHAIN_DOMAIN = Buffer.from('keyward-emergency-chain-v2');
/** Base64url characters of a commitment: 12 bytes are exactly 16 characters. */
const COMMITMENT_CHARS = (COMMITMENT_BYTES / 3) * 4;

/** Months since 2020-01 (UTC) of a moment, and the era and month-in-era they fall in. */
export function monthOf(at: Date): { era: number; month: number } {
  const index = (at.getUTCFullYear() - 2020) * 12 + at.getUTCMonth();
  return { era: Math.floor(index / ERA_MONTHS), month: index % ERA_MONTHS };
}

const derive = (keyring: Keyring, label: string, bytes: number) =>
  createHmac('sha256', keyring.digest).update(label).digest().subarray(0, bytes);

/** The secret of slot `slot` of an activation, derived from the server's digest key (never stored). */
function slotSecret(keyring: Keyring, activationId: string, slot: number): Buffer {
  return derive(keyring, `emergency:${activationId}:${slot}`, SECRET_BYTES);
}

/**
 * The seat's month chain of an era: value(ERA_MONTHS) is secret, value(i) = H(domain ‖ i ‖ value(i+1))
 * truncated, and value(0) is the published root. A code for month m reveals value(m): anyone can walk
 * down to the root (and to earlier months), nobody up to a later month. One reused input buffer: this
 * runs for every token issued (ERA_MONTHS hashes per chain).
 */
function monthChain(keyring: Keyring, activationId: string, era: number): Buffer[] {
  const values: Buffer[] = new Array(ERA_MONTHS + 1);
  values[ERA_MONTHS] = derive(keyring, `emergency-chain:${activationId}:${era}`, CHAIN_BYTES);
  const input = Buffer.allocUnsafe(CHAIN_DOMAIN.length + 1 + CHAIN_BYTES);
  CHAIN_DOMAIN.copy(input, 0);
  for (let i = ERA_MONTHS - 1; i >= 0; i--) {
    input[CHAIN_DOMAIN.length] = i;
    values[i + 1]!.copy(input, CHAIN_DOMAIN.length + 1);
    values[i] = hash('sha256', input, 'buffer').subarray(0, CHAIN_BYTES);
  }
  return values;
}

/**
 * What the app recomputes per slot: H("keyward-emergency-v2" ‖ slot ‖ secret ‖ device id), truncated.
 * Hashed one-shot over one reused buffer (this runs for every token issued).
 */
function slotCommitments(keyring: Keyring, activationId: string, deviceId: string): string[] {
  const device = Buffer.from(deviceId, 'utf8');
  const input = Buffer.allocUnsafe(SLOT_DOMAIN.length + 1 + SECRET_BYTES + device.length);
  SLOT_DOMAIN.copy(input, 0);
  device.copy(input, SLOT_DOMAIN.length + 1 + SECRET_BYTES);
  return Array.from({ length: EMERGENCY_SLOTS }, (_, slot) => {
    input[SLOT_DOMAIN.length] = slot;
    slotSecret(keyring, activationId, slot).copy(input, SLOT_DOMAIN.length + 1);
    return hash('sha256', input, 'base64url').slice(0, COMMITMENT_CHARS);
  });
}

/** The `emc` and `emt` claims of a seat's tokens and license files issued at `issuedAt`. */
export function emergencyCommitments(
  keyring: Keyring,
  activationId: string,
  deviceId: string,
  issuedAt: Date,
): { emc: string[]; emt: string[] } {
  const emc = slotCommitments(keyring, activationId, deviceId);
  // The next era's root only near the era's end: a chain costs ERA_MONTHS hashes per token (≈1 µs each).
  const { era, month } = monthOf(issuedAt);
  const eras = month >= ERA_MONTHS - NEXT_ERA_MONTHS ? [era, era + 1] : [era];
  const emt = eras.map((e) => monthChain(keyring, activationId, e)[0]!.toString('base64url'));
  return { emc, emt };
}

/** Crockford base32 of bytes, the last character padded with zero bits. */
export function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out;
}

/** The typeable code for a slot: 36 Crockford base32 characters in six groups of six. */
export function emergencyCode(keyring: Keyring, activationId: string, slot: number, expiresAt: Date): string {
  const { era, month } = monthOf(expiresAt);
  const bytes = Buffer.alloc(5 + SECRET_BYTES + CHAIN_BYTES);
  bytes[0] = slot;
  bytes.writeUInt32BE(Math.floor(expiresAt.getTime() / 60_000), 1);
  slotSecret(keyring, activationId, slot).copy(bytes, 5);
  monthChain(keyring, activationId, era)[month]!.copy(bytes, 5 + SECRET_BYTES);
  return base32(bytes).match(/.{6}/g)!.join('-');
}
