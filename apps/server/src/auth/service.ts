import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { recordEvent } from '../events/record.js';
import { signAccessToken } from './access-tokens.js';
import { accountDisabled } from './guard.js';
import type { LoginLimiter } from './login-limiter.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import type { Role } from './permissions.js';
import {
  findLoginCandidates,
  findMe,
  findRefreshTokenForUpdate,
  findSessionUser,
  insertRefreshToken,
  type LoginUser,
  markRefreshTokenRotated,
  markSignedIn,
  revokeFamilyOfToken,
  revokeRefreshFamily,
} from './repository.js';

/** The least time a refused sign-in takes (argon2 alone is ≈16 ms; this hides the rest). */
const FAILED_SIGN_IN_FLOOR_MS = 100;

export interface Session {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  user: { id: string; email: string; name: string; role: Role; account_id: string };
}

/** A new session (access and refresh token) for a user who proved who they are. */
export async function issueSession(
  ctx: AppContext,
  user: Omit<LoginUser, 'password_hash' | 'status' | 'account_disabled'>,
  familyId: string,
): Promise<Session> {
  const refresh = `kwr_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(ctx.clock.now().getTime() + ctx.config.refreshTokenTtlSeconds * 1000);
  await insertRefreshToken(ctx.db.sql, {
    accountId: user.account_id,
    userId: user.id,
    familyId,
    digest: digestSecret(ctx.keyring, refresh),
    expiresAt,
  });
  const ttl = ctx.config.accessTokenTtlSeconds;
  return {
    access_token: await signAccessToken(
      ctx.keyring.accessToken,
      { userId: user.id, accountId: user.account_id, role: user.role, sessionId: familyId },
      ttl,
    ),
    token_type: 'Bearer',
    expires_in: ttl,
    refresh_token: refresh,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, account_id: user.account_id },
  };
}

/** Signs a staff user in. Attempts are limited per account+IP and every attempt is an event. */
export async function login(
  ctx: AppContext,
  limiter: LoginLimiter,
  input: { email: string; password: string; account?: string | undefined },
  ip: string,
): Promise<Session> {
  const started = performance.now();
  const candidates = await findLoginCandidates(ctx.db.sql, input.email, input.account);
  const user = candidates.length === 1 ? candidates[0] : undefined;
  // One bucket per email and IP, whether or not the email exists: its answer tells no one which emails
  // are staff, and wrong passwords for one user do not lock the account's other users out.
  await limiter.consume(input.email, ip);
  const ok = await verifyPassword(user?.password_hash ?? dummyPasswordHash(), input.password);
  if (user) {
    await recordEvent(ctx.db.sql, {
      accountId: user.account_id,
      type:
        ok && user.status === 'active' && !user.account_disabled
          ? 'auth.login_succeeded'
          : 'auth.login_failed',
      actor: { type: 'user', id: user.id },
      subject: { type: 'user', id: user.id },
      ip,
      data: { email: user.email },
    });
  }
  if (!user || !ok || user.status !== 'active') {
    // A known email costs an event write that an unknown one does not: every refusal is answered no
    // sooner than FAILED_SIGN_IN_FLOOR_MS after the request began, so timing tells no one which exist.
    const wait = FAILED_SIGN_IN_FLOOR_MS - (performance.now() - started);
    if (wait > 0) await setTimeout(wait);
    const ambiguous = candidates.length > 1 ? ' (this email has several accounts: add "account")' : '';
    throw new AppError('INVALID_CREDENTIALS', `The email or password is wrong${ambiguous}`);
  }
  if (user.account_disabled) throw accountDisabled();
  await markSignedIn(ctx.db.sql, user.id);
  await limiter.reset(input.email, ip);
  return issueSession(ctx, user, randomUUID());
}

/**
 * Exchanges a refresh token for a new session. Each token works once; presenting a rotated token
 * again means it leaked, so its whole family is revoked.
 */
export async function refresh(ctx: AppContext, token: string): Promise<Session> {
  const digest = digestSecret(ctx.keyring, token);
  const outcome = await ctx.db.tx(async (tx) => {
    const row = await findRefreshTokenForUpdate(tx, digest);
    if (!row) return { kind: 'invalid' as const };
    if (row.status === 'rotated') {
      await revokeRefreshFamily(tx, row.family_id);
      await recordEvent(tx, {
        accountId: row.account_id,
        type: 'auth.refresh_reuse_detected',
        actor: { type: 'user', id: row.user_id },
        subject: { type: 'user', id: row.user_id },
        data: { family_id: row.family_id },
      });
      return { kind: 'reused' as const };
    }
    if (row.status !== 'active' || row.expires_at <= ctx.clock.now()) return { kind: 'invalid' as const };
    const user = await findSessionUser(tx, row.user_id);
    if (user?.status !== 'active') return { kind: 'invalid' as const };
    if (user.account_disabled) return { kind: 'disabled' as const };
    await markRefreshTokenRotated(tx, row.id);
    return { kind: 'ok' as const, user, familyId: row.family_id };
  });
  if (outcome.kind === 'reused') {
    throw new AppError(
      'REFRESH_TOKEN_REUSED',
      'This refresh token was already used; all sessions from it are signed out',
    );
  }
  if (outcome.kind === 'invalid')
    throw new AppError('TOKEN_INVALID', 'The refresh token is unknown, expired or revoked');
  if (outcome.kind === 'disabled') throw accountDisabled();
  return issueSession(ctx, outcome.user, outcome.familyId);
}

/** Revokes the session family of a refresh token. Unknown tokens are ignored (logout is idempotent). */
export async function logout(ctx: AppContext, token: string): Promise<void> {
  await revokeFamilyOfToken(ctx.db.sql, digestSecret(ctx.keyring, token));
}

/** GET /auth/me: the signed-in staff user and their account. */
export async function me(ctx: AppContext, p: { accountId: string; actorId: string }) {
  const { account, user } = await findMe(ctx.db.sql, p.accountId, p.actorId);
  if (!account || !user) throw notFound('User');
  return { user, account };
}
