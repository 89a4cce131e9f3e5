import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../core/errors.js';
import type { Role } from './permissions.js';

/** Claims of a short-lived staff access token. */
export interface AccessClaims {
  userId: string;
  accountId: string;
  role: Role;
  /** The sign-in (refresh-token family) it belongs to: ending that session ends its access tokens too. */
  sessionId: string;
}

const ISSUER = 'keyward';
const AUDIENCE = 'keyward:admin';

export async function signAccessToken(
  key: Buffer,
  claims: AccessClaims,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ acc: claims.accountId, role: claims.role, sid: claims.sessionId, typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

export async function verifyAccessToken(key: Buffer, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    if (
      payload.typ !== 'access' ||
      typeof payload.sub !== 'string' ||
      typeof payload.acc !== 'string' ||
      typeof payload.sid !== 'string'
    ) {
      throw new AppError('TOKEN_INVALID', 'The access token is not valid');
    }
    return {
      userId: payload.sub,
      accountId: payload.acc,
      role: payload.role as Role,
      sessionId: payload.sid,
    };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof joseErrors.JWTExpired)
      throw new AppError('TOKEN_EXPIRED', 'The access token has expired; refresh it');
    throw new AppError('TOKEN_INVALID', 'The access token is not valid');
  }
}
