import { createLocalJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { PublicJwk } from './crypto.js';
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
}

export const LICENSE_AUDIENCE = 'keyward:license';

const keySets = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>();

/**
 * Verifies an activation token offline against the server's public keys: signature, `kid`, algorithm
 * (EdDSA or RS256 only), audience, issuer (when given) and expiry at `now`. A token issued in the
 * future means the clock was set back: `ClockTamperError`.
 *
 * @example
 * const claims = await verifyLicenseToken(token, { jwks, issuer: 'https://licensing.example.com' });
 * if (claims.features.includes('export_pdf')) enableExport();
 */
export async function verifyLicenseToken(
  token: string,
  opts: { jwks: { keys: PublicJwk[] }; now?: Date; issuer?: string },
): Promise<LicenseTokenClaims> {
  let keySet = keySets.get(opts.jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(opts.jwks as never);
    keySets.set(opts.jwks, keySet);
  }
  const now = opts.now ?? new Date();
  try {
    const { payload } = await jwtVerify(token, keySet, {
      audience: LICENSE_AUDIENCE,
      ...(opts.issuer ? { issuer: opts.issuer } : {}),
      algorithms: ['EdDSA', 'Ed25519', 'RS256'],
      currentDate: now,
    });
    const claims = payload as unknown as LicenseTokenClaims;
    if (claims.iat * 1000 > now.getTime() + CLOCK_SKEW_MS)
      throw new ClockTamperError(
        'CLOCK_TAMPER',
        "The token was issued after this machine's time: the clock is wrong or was set back",
      );
    return claims;
  } catch (err) {
    if (err instanceof ClockTamperError) throw err;
    if (err instanceof joseErrors.JWTExpired)
      throw new VerificationError(
        'TOKEN_EXPIRED',
        'The activation token has expired; go online to refresh it',
      );
    if (err instanceof joseErrors.JOSEAlgNotAllowed)
      throw new VerificationError('UNSUPPORTED_ALG', 'The token uses an algorithm that is not accepted');
    if (err instanceof joseErrors.JWKSNoMatchingKey)
      throw new VerificationError('KEY_UNKNOWN', 'The token was signed by a key not in the key set');
    throw new VerificationError(
      'TOKEN_INVALID',
      `The activation token does not verify: ${(err as Error).message}`,
    );
  }
}
