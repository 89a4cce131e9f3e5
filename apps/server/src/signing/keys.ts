import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { Keyring } from '../crypto/master-key.js';
import { decryptAtRest, encryptAtRest } from '../crypto/master-key.js';

export type SigningAlg = 'EdDSA' | 'RS256';

export interface SigningKeyRow {
  id: string;
  account_id: string;
  kid: string;
  alg: SigningAlg;
  public_key_pem: string;
  public_jwk: Record<string, unknown>;
  private_key_enc: string;
  status: 'active' | 'retiring' | 'retired';
  /** A product's own key (its token settings); null for the account's key. */
  product_id: string | null;
  /** The iss and aud its tokens carry; null: the server's URL and keyward:license. */
  issuer: string | null;
  audience: string | null;
  created_at: Date;
  rotated_at: Date | null;
  retire_after: Date | null;
  retired_at: Date | null;
}

/** A generated key pair, ready to store (the private half encrypted). */
export function generateSigningKey(keyring: Keyring, alg: SigningAlg) {
  const pair =
    alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `kw_${randomBytes(12).toString('base64url')}`;
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    publicKeyPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicJwk: jwk,
    privateKeyEnc: encryptAtRest(
      keyring,
      pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ),
  };
}

export function privateKeyOf(keyring: Keyring, row: Pick<SigningKeyRow, 'private_key_enc'>): KeyObject {
  return createPrivateKey(decryptAtRest(keyring, row.private_key_enc));
}

export function publicKeyOf(row: Pick<SigningKeyRow, 'public_key_pem'>): KeyObject {
  return createPublicKey(row.public_key_pem);
}
