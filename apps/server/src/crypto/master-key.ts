import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Keys derived from the master secret, one per purpose, so no key is used for two things. */
export interface Keyring {
  /** HMAC key for staff access tokens (HS256). */
  accessToken: Buffer;
  /** HMAC key for lookup digests of secrets (API keys, refresh tokens, license keys). */
  digest: Buffer;
  /** AES-256-GCM key for data encrypted at rest (license keys, signing private keys). */
  encryption: Buffer;
}

/**
 * Loads the master secret from KEYWARD_MASTER_KEY or `<dataDir>/master.key`, generating the file
 * (owner-only permissions) on first start. Several processes racing here all end up with one file.
 */
export function loadMasterSecret(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = path.join(dataDir, 'master.key');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

function derive(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'keyward', `keyward:${purpose}`, 32));
}

export function deriveKeyring(secret: Buffer): Keyring {
  return {
    accessToken: derive(secret, 'access-token'),
    digest: derive(secret, 'digest'),
    encryption: derive(secret, 'encryption'),
  };
}

/**
 * A short value that identifies the master secret without revealing it (an HMAC of a constant under the
 * derived digest key): the database records it at first start, export files carry it. The label is the
 * one exports used before the database kept it, so older export files still match.
 */
export function masterKeyCheckOf(secret: Buffer): string {
  const { digest } = deriveKeyring(secret);
  return createHmac('sha256', digest).update('keyward:export-key-check').digest('hex').slice(0, 16);
}

/** Keyed digest for looking up a secret without storing it. */
export function digestSecret(keyring: Keyring, secret: string): string {
  return createHmac('sha256', keyring.digest).update(secret).digest('base64url');
}

/** AES-256-GCM; output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptAtRest(keyring: Keyring, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.encryption, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    data.toString('base64url'),
  ].join('.');
}

export function decryptAtRest(keyring: Keyring, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unrecognised encrypted value');
  const decipher = createDecipheriv('aes-256-gcm', keyring.encryption, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
