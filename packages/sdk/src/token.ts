import { type PublicJwk, type SignatureAlg, SUPPORTED_ALGS, verifySignature } from './crypto.js';
import { fromBase64, fromUtf8, utf8 } from './encoding.js';
import { ClockTamperError, VerificationError } from './errors.js';
import { CLOCK_SKEW_MS } from './license-file.js';

/** Claims of an activation token (product.md §2.1). */
export interface LicenseTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  license_id: string;
  activation_id: string;
  account_id: string;
  tenant_id: string;
  customer_id: string | null;
  subscription_id: string | null;
  tier: string;
  tier_rank: number;
  features: string[];
  device_id: string;
  license_expires_at: string | null;
  grace_period_days: number;
  emc?: string[];
  emt?: string[];
}

/**
 * The `aud` of activation tokens.
 *
 * @example
 * if (claims.aud === LICENSE_AUDIENCE) acceptToken();
 */
export const LICENSE_AUDIENCE = 'keyward:license';

const invalid = (message: string) => new VerificationError('TOKEN_INVALID', message);

function segment(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(fromUtf8(fromBase64(text)));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A token's claims without checking anything: for reading `exp`/`iat` of a token already verified. */
export function decodeTokenClaims(token: string): Partial<LicenseTokenClaims> {
  return (segment(token.split('.')[1]) ?? {}) as Partial<LicenseTokenClaims>;
}

/**
 * Verifies an activation token (a compact JWS) offline against the server's public keys: only EdDSA or
 * RS256 and only the named key's own algorithm (`none` and swaps fail), the signature, the audience,
 * the issuer (when given) and expiry at `now`. A token issued in the future means the clock was set
 * back: `ClockTamperError`. Uses node:crypto in Node/Electron and WebCrypto in browsers.
 *
 * @example
 * const claims = await verifyLicenseToken(token, { jwks, issuer: 'https://licensing.example.com' });
 * if (claims.features.includes('export_pdf')) enableExport();
 */
export async function verifyLicenseToken(
  token: string,
  opts: { jwks: { keys: PublicJwk[] }; now?: Date; issuer?: string; accountId?: string },
): Promise<LicenseTokenClaims> {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) throw invalid('The activation token is not a signed JWT');
  const header = segment(parts[0]);
  const claims = segment(parts[1]) as LicenseTokenClaims | undefined;
  if (!header || !claims) throw invalid('The activation token is not a signed JWT');
  const alg = header.alg as SignatureAlg;
  if (!SUPPORTED_ALGS.includes(alg))
    throw new VerificationError(
      'UNSUPPORTED_ALG',
      `The token's algorithm "${String(header.alg)}" is not accepted`,
    );
  if (header.crit !== undefined) throw invalid('The token has critical header parameters');
  const jwk = opts.jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new VerificationError('KEY_UNKNOWN', 'The token was signed by a key not in the key set');
  if ((jwk.alg ?? (jwk.kty === 'OKP' ? 'EdDSA' : 'RS256')) !== alg)
    throw new VerificationError('UNSUPPORTED_ALG', "The token's algorithm is not its key's");
  const signed = utf8(`${parts[0]}.${parts[1]}`);
  if (!(await verifySignature(jwk, alg, signed, fromBase64(parts[2] as string))))
    throw invalid('The activation token signature does not verify');
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(LICENSE_AUDIENCE)) throw invalid('The token is not an activation token');
  if (opts.issuer && claims.iss !== opts.issuer)
    throw invalid(`The token was issued by ${claims.iss}, not ${opts.issuer}`);
  if (opts.accountId !== undefined && claims.account_id !== opts.accountId)
    throw new VerificationError(
      'ACCOUNT_MISMATCH',
      "The token is another account's than the one this app is pinned to",
    );
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number')
    throw invalid('The token has no issue or expiry time');
  const now = (opts.now ?? new Date()).getTime();
  if (claims.iat * 1000 > now + CLOCK_SKEW_MS)
    throw new ClockTamperError(
      'CLOCK_TAMPER',
      "The token was issued after this machine's time: the clock is wrong or was set back",
    );
  if (claims.exp * 1000 <= now)
    throw new VerificationError('TOKEN_EXPIRED', 'The activation token has expired; go online to refresh it');
  return claims;
}
