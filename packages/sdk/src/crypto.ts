import { utf8 } from './encoding.js';

/** A public key as published in `/.well-known/jwks.json`. */
export interface PublicJwk {
  kty: string;
  kid?: string;
  alg?: string;
  crv?: string;
  x?: string;
  n?: string;
  e?: string;
  use?: string;
}

export type SignatureAlg = 'EdDSA' | 'RS256';
export const SUPPORTED_ALGS: readonly SignatureAlg[] = ['EdDSA', 'RS256'];

type NodeCrypto = typeof import('node:crypto');

/**
 * In Node and Electron's main process, node:crypto verifies synchronously and several times faster
 * than WebCrypto; `process.getBuiltinModule` reaches it without an import a browser bundler would trip on.
 */
const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available (a secure context is needed in browsers)');
  return s;
};

type Verifier = (data: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;
const verifiers = new WeakMap<PublicJwk, Verifier>();

function makeVerifier(jwk: PublicJwk, alg: SignatureAlg): Verifier {
  if (nodeCrypto) {
    const key = nodeCrypto.createPublicKey({ key: jwk as never, format: 'jwk' });
    const digest = alg === 'EdDSA' ? null : 'sha256';
    return (data, signature) => {
      try {
        return nodeCrypto.verify(digest, data, key, signature);
      } catch {
        return false;
      }
    };
  }
  const params = alg === 'EdDSA' ? { name: 'Ed25519' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const keyPromise = subtle().importKey('jwk', jwk as JsonWebKey, params, false, ['verify']);
  return async (data, signature) => {
    try {
      return await subtle().verify(params, await keyPromise, signature as BufferSource, data as BufferSource);
    } catch {
      return false;
    }
  };
}

/** Verifies a signature with a JWK; false (never a throw) for a bad signature or an unusable key. */
export function verifySignature(
  jwk: PublicJwk,
  alg: SignatureAlg,
  data: Uint8Array,
  signature: Uint8Array,
): boolean | Promise<boolean> {
  let verifier = verifiers.get(jwk);
  if (!verifier) {
    verifier = makeVerifier(jwk, alg);
    verifiers.set(jwk, verifier);
  }
  return verifier(data, signature);
}

/** SHA-256 of the concatenated parts. */
export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const total = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    total.set(p, at);
    at += p.length;
  }
  if (nodeCrypto) return new Uint8Array(nodeCrypto.createHash('sha256').update(total).digest());
  return new Uint8Array(await subtle().digest('SHA-256', total as BufferSource));
}

/** Decrypts an encrypted license file body: AES-256-GCM, key = HKDF-SHA256(normalized license key). */
export async function decryptWithLicenseKey(
  normalizedKey: string,
  iv: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const base = await subtle().importKey('raw', utf8(normalizedKey) as BufferSource, 'HKDF', false, [
    'deriveKey',
  ]);
  const key = await subtle().deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: utf8('keyward-license-file-v1') as BufferSource,
      info: utf8('aes-256-gcm') as BufferSource,
    },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
  return new Uint8Array(
    await subtle().decrypt({ name: 'AES-GCM', iv: iv as BufferSource }, key, ciphertext as BufferSource),
  );
}

/** Random bytes as hex (nonces, install ids). */
export function randomHex(bytes: number): string {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
