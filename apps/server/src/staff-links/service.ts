import { randomBytes, randomUUID } from 'node:crypto';
import type { LoginLimiter } from '../auth/login-limiter.js';
import { assertStrongPassword } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import { markSignedIn, revokeUserSessions } from '../auth/repository.js';
import { issueSession, type Session } from '../auth/service.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { noSoonerThan } from '../core/no-sooner-than.js';
import { digestSecret, encryptAtRest } from '../crypto/master-key.js';
import type { Queryable } from '../db/database.js';
import { recordEvent } from '../events/record.js';
import { queueDirectEmail } from '../mail/repository.js';
import * as repo from './repository.js';

/** How long a link works: an invitation for a week, a password reset for an hour. */
const LINK_TTL_MS: Record<repo.LinkPurpose, number> = {
  invitation: 7 * 86_400_000,
  password_reset: 3_600_000,
};

const TEMPLATE = { invitation: 'staff.invitation', password_reset: 'staff.password_reset' } as const;

/** The user a link may be used for: an invitation for an invited user, a reset for an active one. */
const USABLE_BY: Record<repo.LinkPurpose, string> = { invitation: 'invited', password_reset: 'active' };

/** A reset request is answered no sooner than this, found or not: timing tells no one which emails exist. */
const RESET_REQUEST_FLOOR_MS = 150;

/**
 * Makes a one-time link for a staff user and queues its email, in the caller's transaction. Earlier
 * unused links of the same purpose stop working. Only the token's keyed digest is stored; the token
 * itself travels sealed in its email until the email is pruned.
 */
export async function sendLink(
  ctx: AppContext,
  tx: Queryable,
  user: { id: string; account_id: string; email: string },
  purpose: repo.LinkPurpose,
  data: Record<string, unknown> = {},
) {
  const token = `kwl_${randomBytes(32).toString('base64url')}`;
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + LINK_TTL_MS[purpose]);
  await repo.retireLinks(tx, user.id, purpose, now);
  await repo.insertLink(tx, {
    accountId: user.account_id,
    userId: user.id,
    purpose,
    digest: digestSecret(ctx.keyring, token),
    expiresAt,
  });
  await queueDirectEmail(tx, {
    accountId: user.account_id,
    template: TEMPLATE[purpose],
    to: user.email,
    subject: { type: 'user', id: user.id },
    data: { ...data, token_enc: encryptAtRest(ctx.keyring, token), expires_at: expiresAt.toISOString() },
  });
}

/**
 * "Forgot password": emails a reset link to each active user with this email (in every account, or the
 * account named). The answer is the same, and as slow, whether or not anyone has that email.
 */
export async function requestPasswordReset(
  ctx: AppContext,
  limiter: LoginLimiter,
  input: { email: string; account?: string | undefined },
  ip: string,
) {
  await noSoonerThan(RESET_REQUEST_FLOOR_MS, async () => {
    await limiter.consume(`reset:${input.email}`, ip);
    const users = await repo.usersToReset(ctx.db.sql, input.email, input.account);
    for (const user of users) {
      await ctx.db.tx(async (tx) => {
        await sendLink(ctx, tx, user, 'password_reset');
        await recordEvent(tx, {
          accountId: user.account_id,
          type: 'user.password_reset_requested',
          actor: { type: 'user', id: user.id },
          subject: { type: 'user', id: user.id },
          ip,
          data: {},
        });
      });
    }
  });
}

/** Who a link is for, so its page can say so; refused like using it when it no longer works. */
export async function inspectLink(ctx: AppContext, token: string) {
  const link = usable(ctx, await repo.findLink(ctx.db.sql, digestSecret(ctx.keyring, token), false));
  return {
    purpose: link.purpose,
    email: link.email,
    name: link.name,
    account_name: link.account_name,
    expires_at: link.expires_at,
  };
}

/** Sets a new password with a reset link; every session of the user ends. */
export async function resetPassword(ctx: AppContext, input: { token: string; password: string }, ip: string) {
  const digest = digestSecret(ctx.keyring, input.token);
  const peek = usable(ctx, await repo.findLink(ctx.db.sql, digest, false), 'password_reset');
  assertStrongPassword(input.password, [peek.email, peek.name]);
  const passwordHash = await hashPassword(input.password);
  await ctx.db.tx(async (tx) => {
    const link = usable(ctx, await repo.findLink(tx, digest, true), 'password_reset');
    await repo.setPassword(tx, link.user_id, passwordHash);
    await repo.retireLinks(tx, link.user_id, 'password_reset', ctx.clock.now());
    await revokeUserSessions(tx, link.user_id);
    await recordEvent(tx, {
      accountId: link.account_id,
      type: 'user.password_reset',
      actor: { type: 'user', id: link.user_id },
      subject: { type: 'user', id: link.user_id },
      ip,
      data: {},
    });
  });
}

/** Accepts an invitation: the invited user sets their password (and name) and is signed in. */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; password: string; name?: string | undefined },
  ip: string,
): Promise<Session> {
  const digest = digestSecret(ctx.keyring, input.token);
  const peek = usable(ctx, await repo.findLink(ctx.db.sql, digest, false), 'invitation');
  assertStrongPassword(input.password, [peek.email, input.name ?? peek.name]);
  const passwordHash = await hashPassword(input.password);
  const user = await ctx.db.tx(async (tx) => {
    const link = usable(ctx, await repo.findLink(tx, digest, true), 'invitation');
    await repo.setPassword(tx, link.user_id, passwordHash, input.name);
    await repo.retireLinks(tx, link.user_id, 'invitation', ctx.clock.now());
    await recordEvent(tx, {
      accountId: link.account_id,
      type: 'user.invitation_accepted',
      actor: { type: 'user', id: link.user_id },
      subject: { type: 'user', id: link.user_id },
      ip,
      data: { email: link.email },
    });
    return link;
  });
  await markSignedIn(ctx.db.sql, user.user_id);
  return issueSession(
    ctx,
    {
      id: user.user_id,
      account_id: user.account_id,
      email: user.email,
      name: input.name ?? user.name,
      role: user.role as Session['user']['role'],
    },
    randomUUID(),
  );
}

/** The link if it still works (for `purpose`, when given); otherwise LINK_INVALID, whatever the reason. */
function usable(ctx: AppContext, link: repo.LinkRow | undefined, purpose?: repo.LinkPurpose): repo.LinkRow {
  const works =
    link &&
    !link.used_at &&
    link.expires_at > ctx.clock.now() &&
    (!purpose || link.purpose === purpose) &&
    link.user_status === USABLE_BY[link.purpose];
  if (!works) {
    throw new AppError(
      'LINK_INVALID',
      'This link has expired or was already used. Ask for a new one: "Forgot password?" on the sign-in page, or a new invitation from an administrator.',
    );
  }
  return link;
}
