import { randomBytes } from 'node:crypto';

// Crockford base32: no I, L, O, U, so keys survive being read aloud and typed by hand.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 5;
const GROUP_SIZE = 5;

/** A new license key: 25 base32 characters = 125 random bits, shown as XXXXX-XXXXX-XXXXX-XXXXX-XXXXX. */
export function generateLicenseKey(): string {
  const bytes = randomBytes(GROUPS * GROUP_SIZE);
  let chars = '';
  // Each byte keeps its low 5 bits: 32 values, uniform because 256 is a multiple of 32.
  for (const b of bytes) chars += ALPHABET[b & 31];
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) groups.push(chars.slice(i * GROUP_SIZE, (i + 1) * GROUP_SIZE));
  return groups.join('-');
}

/**
 * The canonical form that is digested for lookup: upper case, separators removed, and the
 * characters people confuse mapped as Crockford says (I, L → 1; O → 0).
 */
export function normalizeLicenseKey(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** Last four characters, the only part of a key that may appear in logs and lists. */
export function keyLast4(key: string): string {
  return normalizeLicenseKey(key).slice(-4);
}

export function maskKey(last4: string): string {
  return `XXXXX-XXXXX-XXXXX-XXXXX-X${last4}`;
}
