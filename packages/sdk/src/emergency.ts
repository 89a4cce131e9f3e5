import { sha256 } from './crypto.js';
import { toBase64Url, utf8 } from './encoding.js';
import { EmergencyCodeError } from './errors.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SECRET_BYTES = 9;
const CHAIN_BYTES = 8;
const CODE_BYTES = 5 + SECRET_BYTES + CHAIN_BYTES;
const CODE_CHARS = Math.ceil((CODE_BYTES * 8) / 5);
/** Months per era of the month chains (the server's ERA_MONTHS). */
const ERA_MONTHS = 60;

/** A decoded emergency code. */
export interface EmergencyCode {
  slot: number;
  expiresAt: Date;
  secret: Uint8Array;
  /** The chain value of the month the code expires in (binds the expiry to the signed `emt` roots). */
  monthValue: Uint8Array;
}

/** The seat's signed commitments, from its token or license file. */
export interface EmergencyCommitments {
  /** Per slot: the slot secret bound to the device id. */
  emc: readonly string[];
  /** Month-chain roots of the document's era and the next. */
  emt: readonly string[];
  /** When the document was issued: says which era `emt[0]` is. */
  issuedAt: Date;
}

function fromBase32(text: string): Uint8Array | undefined {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (clean.length !== CODE_CHARS) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const v = CROCKFORD.indexOf(ch);
    if (v < 0) return undefined;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  // The last character's spare bits are zero in every real code: a typo there is a typo.
  if (bits > 0 && (value & ((1 << bits) - 1)) !== 0) return undefined;
  return new Uint8Array(out);
}

/**
 * Reads a typed code (`XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX`, case and dashes do not matter).
 *
 * @example
 * const { slot, expiresAt } = parseEmergencyCode(typed);
 */
export function parseEmergencyCode(text: string): EmergencyCode {
  const bytes = fromBase32(text);
  if (!bytes || bytes.length !== CODE_BYTES || (bytes[0] as number) > 7)
    throw new EmergencyCodeError(
      'EMERGENCY_CODE_INVALID',
      `This is not an emergency code: check it for typos (${CODE_CHARS} letters and digits)`,
    );
  const minutes = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getUint32(0);
  return {
    slot: bytes[0] as number,
    expiresAt: new Date(minutes * 60_000),
    secret: bytes.subarray(5, 5 + SECRET_BYTES),
    monthValue: bytes.subarray(5 + SECRET_BYTES),
  };
}

/** Months since 2020-01 (UTC): the era and the month in it. */
function monthOf(at: Date): { era: number; month: number } {
  const index = (at.getUTCFullYear() - 2020) * 12 + at.getUTCMonth();
  return { era: Math.floor(index / ERA_MONTHS), month: index % ERA_MONTHS };
}

/** Walks a month value down its chain to the era's root: value(i) = H(domain ‖ i ‖ value(i+1)). */
async function chainRoot(value: Uint8Array, month: number): Promise<string> {
  let v = value;
  for (let i = month - 1; i >= 0; i--)
    v = (await sha256(utf8('keyward-emergency-chain-v2'), new Uint8Array([i]), v)).subarray(0, CHAIN_BYTES);
  return toBase64Url(v);
}

const invalid = () =>
  new EmergencyCodeError(
    'EMERGENCY_CODE_INVALID',
    'This emergency code is not valid for this license on this device',
  );

/**
 * Checks a code against the seat's signed commitments for this device: the slot secret must hash, with
 * this device id, to the slot's commitment, and the month value must hash down to the root of its era,
 * so neither the device nor the expiry month can be changed. (`KeywardClient.unlockWithEmergencyCode`
 * does this, and keeps codes single-use.)
 *
 * @example
 * await checkEmergencyCode(parseEmergencyCode(typed), { emc, emt, issuedAt }, deviceId, new Date());
 */
export async function checkEmergencyCode(
  code: EmergencyCode,
  commitments: EmergencyCommitments,
  deviceId: string,
  now: Date,
): Promise<void> {
  const expected = commitments.emc[code.slot];
  const digest = await sha256(
    utf8('keyward-emergency-v2'),
    new Uint8Array([code.slot]),
    code.secret,
    utf8(deviceId),
  );
  if (!expected || toBase64Url(digest.subarray(0, 12)) !== expected) throw invalid();
  const { era, month } = monthOf(code.expiresAt);
  const root = commitments.emt[era - monthOf(commitments.issuedAt).era];
  if (!root || (await chainRoot(code.monthValue, month)) !== root) throw invalid();
  if (code.expiresAt.getTime() <= now.getTime())
    throw new EmergencyCodeError(
      'EMERGENCY_CODE_EXPIRED',
      `This emergency code expired at ${code.expiresAt.toISOString()}; ask for a new one`,
    );
}
