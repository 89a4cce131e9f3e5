import {
  decryptWithLicenseKey,
  type PublicJwk,
  type SignatureAlg,
  SUPPORTED_ALGS,
  verifySignature,
} from './crypto.js';
import { fromBase64, fromUtf8 } from './encoding.js';
import { ClockTamperError, VerificationError } from './errors.js';

const BEGIN = '-----BEGIN KEYWARD LICENSE FILE-----';
const END = '-----END KEYWARD LICENSE FILE-----';
const HEADER_FIELDS = ['alg', 'kid', 'issued_at', 'expires_at', 'encryption'] as const;
/** Clock difference tolerated between the server that issued a file and this machine. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** A licensed feature as the server describes it. */
export interface LicensedFeature {
  feature_id: string;
  enabled: boolean;
  limit_value?: number | null;
  period?: string;
  [more: string]: unknown;
}

/** What a verified license file grants. */
export interface LicenseFileContents {
  license: {
    id: string;
    account_id: string;
    key_last4: string;
    tier: string;
    tier_name: string;
    tier_rank: number;
    license_type: string;
    status: string;
    starts_at: string;
    expires_at: string | null;
    grace_period_days: number;
    max_activations: number | null;
    customer_id: string | null;
    product_id: string | null;
  };
  features: LicensedFeature[];
  limits: Record<string, number | null>;
  device: { activation_id: string; device_id: string; fingerprint: string };
  /** Commitments to the seat's emergency codes. */
  emc: string[];
  /** Month-chain roots binding the codes' expiry (this file's era and the next). */
  emt?: string[];
}

/** A license file after verification: the signed envelope plus its (decrypted) contents. */
export interface VerifiedLicenseFile extends LicenseFileContents {
  kid: string;
  alg: SignatureAlg;
  issuer: string;
  issuedAt: Date;
  expiresAt: Date;
  encrypted: boolean;
}

export interface VerifyLicenseFileOptions {
  /** Public keys (`/.well-known/jwks.json`, or embedded in the app). */
  jwks: { keys: PublicJwk[] };
  /** The time to check against; defaults to the machine's clock. */
  now?: Date;
  /** Needed to read encrypted files. */
  licenseKey?: string;
  /** When given, the file must be bound to this device fingerprint. */
  fingerprint?: string;
  /** When given, the file must come from this server (its public URL). */
  issuer?: string;
  /** When given, the file must be this Keyward account's (on a server hosting several). */
  accountId?: string;
  /** Skip the expiry check (reading what an expired file licensed, e.g. for an emergency unlock). */
  allowExpired?: boolean;
}

const fail = (code: ConstructorParameters<typeof VerificationError>[0], message: string) =>
  new VerificationError(code, message);

/**
 * Same rule as the server: case, spaces, dashes and look-alike letters do not matter.
 *
 * @example
 * normalizeLicenseKey('kw-abcd efgh-ijkl') === normalizeLicenseKey('KWABCDEFGH1JK1');
 */
export const normalizeLicenseKey = (key: string): string =>
  key.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');

interface Envelope {
  typ: string;
  alg: string;
  kid: string;
  iss: string;
  issued_at: string;
  expires_at: string;
  encryption: 'none' | 'aes-256-gcm';
  license?: LicenseFileContents;
  iv?: string;
  ciphertext?: string;
  [field: string]: unknown;
}

interface Decoded {
  headers: Record<string, string>;
  payload: Uint8Array;
  signature: Uint8Array;
  /** The payload's JSON when it is a license file envelope (deep-frozen: shared between calls). */
  env: Envelope | undefined;
}

/**
 * Apps verify the same file at every start and validation, so its decoding (lines, base64, JSON) is
 * kept for a few recent texts. Only decoding: signature, time and device are checked on every call.
 */
const recentlyDecoded = new Map<string, Decoded>();
const DECODED_CACHE_SIZE = 16;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function decode(text: string): Decoded {
  const hit = recentlyDecoded.get(text);
  if (hit) return hit;
  const parts = split(text);
  let env: Envelope | undefined;
  try {
    const parsed = JSON.parse(fromUtf8(parts.payload)) as Envelope;
    if (parsed !== null && typeof parsed === 'object' && parsed.typ === 'keyward.license-file')
      env = deepFreeze(parsed);
  } catch {
    env = undefined;
  }
  const decoded = { ...parts, env };
  if (recentlyDecoded.size >= DECODED_CACHE_SIZE)
    recentlyDecoded.delete(recentlyDecoded.keys().next().value as string);
  recentlyDecoded.set(text, decoded);
  return decoded;
}

function split(text: string) {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  if (lines[0] !== BEGIN || lines[lines.length - 1] !== END)
    throw fail(
      'FILE_MALFORMED',
      'This is not a Keyward license file: it must start and end with the KEYWARD LICENSE FILE lines',
    );
  const headers: Record<string, string> = {};
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const m = /^([a-z_]+): ?(.*)$/.exec(lines[i] as string);
    if (!m) throw fail('FILE_MALFORMED', `Unreadable header line ${i + 1} in the license file`);
    headers[m[1] as string] = m[2] as string;
  }
  const p = lines.indexOf('payload:', i);
  const s = lines.indexOf('signature:', p);
  if (p < 0 || s < 0) throw fail('FILE_MALFORMED', 'The license file has no payload or signature section');
  const payloadText = lines.slice(p + 1, s).join('');
  const signatureText = lines.slice(s + 1, -1).join('');
  if (!/^[A-Za-z0-9+/=]+$/.test(payloadText) || !/^[A-Za-z0-9+/=]+$/.test(signatureText))
    throw fail('FILE_MALFORMED', 'The license file payload or signature is not base64');
  return { headers, payload: fromBase64(payloadText), signature: fromBase64(signatureText) };
}

/**
 * Verifies a license file offline with the server's public keys: the Ed25519 (or RS256) signature over
 * the payload, the algorithm (only the key's own; `none` or a swap is refused), header vs signed payload,
 * the issue time (a file from the future means the clock was rolled back), expiry and device binding.
 * Throws a `VerificationError` (or `ClockTamperError`) saying what is wrong.
 *
 * @example
 * const jwks = await (await fetch('https://licensing.example.com/.well-known/jwks.json')).json();
 * const file = await verifyLicenseFile(await readFile('app.lic', 'utf8'), { jwks });
 * console.log(file.license.tier, file.expiresAt);
 */
export async function verifyLicenseFile(
  text: string,
  opts: VerifyLicenseFileOptions,
): Promise<VerifiedLicenseFile> {
  const { headers, payload, signature, env } = decode(text);
  // The signature is checked on every call, over the exact payload bytes, with the key and algorithm
  // the header names; only a verified payload is trusted (and compared with the header).
  const alg = headers.alg as SignatureAlg;
  if (!SUPPORTED_ALGS.includes(alg))
    throw fail(
      'UNSUPPORTED_ALG',
      `Unsupported signature algorithm "${headers.alg}"; only EdDSA and RS256 are accepted`,
    );
  const jwk = opts.jwks.keys.find((k) => k.kid === headers.kid);
  if (!jwk)
    throw fail(
      'KEY_UNKNOWN',
      `No public key "${headers.kid}" in the key set; refresh the JWKS from the server`,
    );
  const keyAlg = jwk.alg ?? (jwk.kty === 'OKP' ? 'EdDSA' : 'RS256');
  if (keyAlg !== alg)
    throw fail('UNSUPPORTED_ALG', `The file says ${alg} but key ${headers.kid} is ${keyAlg}`);
  if (!(await verifySignature(jwk, alg, payload, signature)))
    throw fail(
      'SIGNATURE_INVALID',
      'The license file signature does not verify: the file was altered or not issued by this vendor',
    );
  if (!env) throw fail('FILE_MALFORMED', 'The signed payload is not a Keyward license file');
  if (HEADER_FIELDS.some((f) => headers[f] !== String(env[f])))
    throw fail('FILE_TAMPERED', "The license file's header lines do not match its signed payload");
  if (opts.issuer && env.iss !== opts.issuer)
    throw fail('FILE_TAMPERED', `The file was issued by ${env.iss}, not ${opts.issuer}`);

  const now = (opts.now ?? new Date()).getTime();
  const issuedAt = new Date(env.issued_at);
  const expiresAt = new Date(env.expires_at);
  if (issuedAt.getTime() > now + CLOCK_SKEW_MS)
    throw new ClockTamperError(
      'CLOCK_TAMPER',
      `The license file was issued at ${env.issued_at}, after this machine's time: the clock is wrong or was set back`,
    );
  if (!opts.allowExpired && expiresAt.getTime() <= now)
    throw fail('FILE_EXPIRED', `The license file expired at ${env.expires_at}; request a new one`);

  let contents = env.license;
  if (env.encryption === 'aes-256-gcm') {
    if (!opts.licenseKey)
      throw fail('DECRYPTION_FAILED', 'This license file is encrypted: pass the license key to read it');
    try {
      const clear = await decryptWithLicenseKey(
        normalizeLicenseKey(opts.licenseKey),
        fromBase64(env.iv ?? ''),
        fromBase64(env.ciphertext ?? ''),
      );
      contents = JSON.parse(fromUtf8(clear)) as LicenseFileContents;
    } catch {
      throw fail('DECRYPTION_FAILED', 'The license file could not be decrypted with this license key');
    }
  }
  if (!contents?.license || !contents.device)
    throw fail('FILE_MALFORMED', 'The license file holds no license');
  if (
    opts.fingerprint !== undefined &&
    contents.device.fingerprint !== opts.fingerprint &&
    contents.device.device_id !== opts.fingerprint
  )
    throw fail('DEVICE_MISMATCH', 'This license file was issued for another device');
  if (opts.accountId !== undefined && contents.license.account_id !== opts.accountId)
    throw fail(
      'ACCOUNT_MISMATCH',
      "This license file is another account's than the one this app is pinned to",
    );
  return {
    ...contents,
    kid: env.kid,
    alg,
    issuer: env.iss,
    issuedAt,
    expiresAt,
    encrypted: env.encryption !== 'none',
  };
}
