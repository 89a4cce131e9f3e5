import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { normalizeLicenseKey } from '../licenses/keys.js';

/**
 * The license file format (docs/offline-licensing.md). Text, so it survives e-mail and USB sticks:
 *
 *   -----BEGIN KEYWARD LICENSE FILE-----
 *   version: 1
 *   alg: EdDSA
 *   kid: <signing key id in /.well-known/jwks.json>
 *   issued_at: <ISO 8601>
 *   expires_at: <ISO 8601>
 *   encryption: none | aes-256-gcm
 *
 *   payload:
 *   <base64 of the payload JSON, 64 characters a line>
 *   signature:
 *   <base64 of the detached signature over the payload bytes>
 *   -----END KEYWARD LICENSE FILE-----
 *
 * The signature covers exactly the base64-decoded payload bytes, so any Ed25519 implementation
 * (`openssl pkeyutl -verify -rawin`) can check it. The header lines are a readable copy of fields that
 * are also inside the signed payload; verifiers compare the two and trust only the payload.
 */
export const FILE_BEGIN = '-----BEGIN KEYWARD LICENSE FILE-----';
export const FILE_END = '-----END KEYWARD LICENSE FILE-----';
export const FILE_VERSION = 1;

export type FileEncryption = 'none' | 'aes-256-gcm';

/** Signed envelope: always readable metadata; the license either in clear or encrypted. */
export interface FilePayload {
  v: number;
  typ: 'keyward.license-file';
  alg: string;
  kid: string;
  iss: string;
  issued_at: string;
  expires_at: string;
  encryption: FileEncryption;
  /** In clear even when encrypted, so the server can say which license a file is for. */
  license_id: string;
  activation_id: string;
  /** Present when `encryption` is none. */
  license?: Record<string, unknown>;
  /** Present when encrypted: base64 iv and ciphertext‖tag of the license JSON. */
  iv?: string;
  ciphertext?: string;
}

const wrap = (b64: string) => b64.match(/.{1,64}/g)?.join('\n') ?? '';

export function formatLicenseFile(payloadBytes: Buffer, signature: Buffer, p: FilePayload): string {
  return [
    FILE_BEGIN,
    `version: ${p.v}`,
    `alg: ${p.alg}`,
    `kid: ${p.kid}`,
    `issued_at: ${p.issued_at}`,
    `expires_at: ${p.expires_at}`,
    `encryption: ${p.encryption}`,
    '',
    'payload:',
    wrap(payloadBytes.toString('base64')),
    'signature:',
    wrap(signature.toString('base64')),
    FILE_END,
    '',
  ].join('\n');
}

export interface ParsedLicenseFile {
  headers: Record<string, string>;
  payloadBytes: Buffer;
  signature: Buffer;
  payload: FilePayload;
}

const B64_LINE = /^[A-Za-z0-9+/=]+$/;

/** Splits a license file into its parts; undefined when it is not one (no exception for bad input). */
export function parseLicenseFile(text: string): ParsedLicenseFile | undefined {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  if (lines[0] !== FILE_BEGIN || lines[lines.length - 1] !== FILE_END) return undefined;
  const headers: Record<string, string> = {};
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const m = /^([a-z_]+): ?(.*)$/.exec(lines[i]!);
    if (!m) return undefined;
    headers[m[1]!] = m[2]!;
  }
  const payloadAt = lines.indexOf('payload:', i);
  const signatureAt = lines.indexOf('signature:', payloadAt);
  if (payloadAt < 0 || signatureAt < 0) return undefined;
  const payloadLines = lines.slice(payloadAt + 1, signatureAt);
  const signatureLines = lines.slice(signatureAt + 1, -1);
  if (![...payloadLines, ...signatureLines].every((l) => B64_LINE.test(l))) return undefined;
  const payloadBytes = Buffer.from(payloadLines.join(''), 'base64');
  const signature = Buffer.from(signatureLines.join(''), 'base64');
  let payload: FilePayload;
  try {
    payload = JSON.parse(payloadBytes.toString('utf8')) as FilePayload;
  } catch {
    return undefined;
  }
  if (payload === null || typeof payload !== 'object' || payload.typ !== 'keyward.license-file')
    return undefined;
  return { headers, payloadBytes, signature, payload };
}

const HKDF_SALT = Buffer.from('keyward-license-file-v1');
const HKDF_INFO = Buffer.from('aes-256-gcm');

/** AES-256-GCM key of a license's encrypted files: HKDF-SHA256 of the normalized license key. */
export function fileKeyOf(licenseKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', normalizeLicenseKey(licenseKey), HKDF_SALT, HKDF_INFO, 32));
}

export function encryptLicense(licenseKey: string, license: unknown): { iv: string; ciphertext: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', fileKeyOf(licenseKey), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(license)), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64'), ciphertext: body.toString('base64') };
}
