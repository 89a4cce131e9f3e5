import { sha256 } from './crypto.js';
import { toBase64Url, utf8 } from './encoding.js';
import { EmergencyCodeError } from './errors.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SECRET_BYTES = 10;

/** A decoded emergency code. */
export interface EmergencyCode {
  slot: number;
  expiresAt: Date;
  secret: Uint8Array;
}

function fromBase32(text: string): Uint8Array | undefined {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (clean.length !== 24) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const v = CROCKFORD.indexOf(ch);
    if (v < 0) return undefined;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/**
 * Reads a typed code (`XXXXXX-XXXXXX-XXXXXX-XXXXXX`, case and dashes do not matter).
 *
 * @example
 * const { slot, expiresAt } = parseEmergencyCode('7k2m9q-xw4t1b-a8c3d0-h5j6k7');
 */
export function parseEmergencyCode(text: string): EmergencyCode {
  const bytes = fromBase32(text);
  if (!bytes || bytes.length !== 5 + SECRET_BYTES || (bytes[0] as number) > 7)
    throw new EmergencyCodeError(
      'EMERGENCY_CODE_INVALID',
      'This is not an emergency code: check it for typos (24 letters and digits)',
    );
  const minutes = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getUint32(0);
  return { slot: bytes[0] as number, expiresAt: new Date(minutes * 60_000), secret: bytes.subarray(5) };
}

/**
 * Checks a code against the seat's signed commitments (`emc` in its token or license file) for this
 * device. The code's secret must hash, with this device id, to the commitment of its slot.
 * (`KeywardClient.unlockWithEmergencyCode` does this, and keeps codes single-use.)
 *
 * @example
 * await checkEmergencyCode(parseEmergencyCode(typed), claims.emc ?? [], deviceId, new Date());
 */
export async function checkEmergencyCode(
  code: EmergencyCode,
  commitments: readonly string[],
  deviceId: string,
  now: Date,
): Promise<void> {
  const expected = commitments[code.slot];
  const digest = await sha256(
    utf8('keyward-emergency-v1'),
    new Uint8Array([code.slot]),
    code.secret,
    utf8(deviceId),
  );
  if (!expected || toBase64Url(digest.subarray(0, 12)) !== expected)
    throw new EmergencyCodeError(
      'EMERGENCY_CODE_INVALID',
      'This emergency code is not valid for this license on this device',
    );
  if (code.expiresAt.getTime() <= now.getTime())
    throw new EmergencyCodeError(
      'EMERGENCY_CODE_EXPIRED',
      `This emergency code expired at ${code.expiresAt.toISOString()}; ask for a new one`,
    );
}
