import type { Static } from 'typebox';
import { revokeKeysBeyondCreator } from '../api-keys/service.js';
import { API_KEYS_CHANGED } from '../auth/api-key-cache.js';
import { assertStrongPassword } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import { authorize } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { revokeUserSessions } from '../auth/repository.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import type { Queryable } from '../db/database.js';
import { recordEvent } from '../events/record.js';
import { sendLink } from '../staff-links/service.js';
import * as repo from './repository.js';
import type { CreateUserBody, UpdateUserBody } from './schemas.js';

function actorOf(p: Principal) {
  return { type: p.actorType, id: p.actorId } as const;
}

/**
 * Adds a staff user: with a password, ready to sign in; without one, invited — emailed a one-time link
 * to choose their own (the user signs in only after following it).
 */
export async function createUser(
  ctx: AppContext,
  p: Principal,
  input: Static<typeof CreateUserBody>,
  ip: string,
) {
  authorize(p, 'users:write', { kind: 'user', role: input.role, grant: input.role });
  if (input.password) assertStrongPassword(input.password, [input.email, input.name]);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return ctx.db.tx(async (tx) => {
    if (await repo.emailTaken(tx, p.accountId, input.email))
      throw new AppError('ALREADY_EXISTS', `A user with email ${input.email} already exists`, {
        pointer: '/body/email',
      });
    const user = await repo.insertUser(tx, p.accountId, {
      email: input.email,
      name: input.name ?? '',
      role: input.role,
      passwordHash,
    });
    if (!passwordHash) await sendLink(ctx, tx, user, 'invitation', await invitationFacts(tx, p, user.role));
    await recordEvent(tx, {
      accountId: p.accountId,
      type: passwordHash ? 'user.created' : 'user.invited',
      actor: actorOf(p),
      subject: { type: 'user', id: user.id },
      ip,
      data: { email: user.email, role: user.role },
    });
    return user;
  });
}

/** Emails an invited user a new link (the earlier one stops working). */
export async function resendInvitation(ctx: AppContext, p: Principal, id: string, ip: string) {
  return ctx.db.tx(async (tx) => {
    const user = await repo.findUser(tx, p.accountId, id);
    if (!user) throw notFound('User');
    authorize(p, 'users:write', { kind: 'user', role: user.role });
    if (user.status !== 'invited')
      throw new AppError('CONFLICT', `${user.email} has already accepted their invitation`, {
        status: user.status,
      });
    await sendLink(ctx, tx, user, 'invitation', await invitationFacts(tx, p, user.role));
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'user.invited',
      actor: actorOf(p),
      subject: { type: 'user', id },
      ip,
      data: { email: user.email, role: user.role, again: true },
    });
    return user;
  });
}

/** What an invitation says: who invited them (a person's name, or the account for an API key) and as what. */
async function invitationFacts(tx: Queryable, p: Principal, role: string) {
  const inviter = p.actorType === 'user' ? await repo.findUser(tx, p.accountId, p.actorId) : undefined;
  return { inviter: inviter ? inviter.name || inviter.email : 'An administrator', role };
}

export async function updateUser(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: Static<typeof UpdateUserBody>,
  ip: string,
) {
  if (patch.password) {
    const target = await repo.findUser(ctx.db.sql, p.accountId, id);
    assertStrongPassword(patch.password, [target?.email, patch.name ?? target?.name]);
  }
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  let revokedKeys = 0;
  const updated = await ctx.db.tx(async (tx) => {
    const current = await repo.findUser(tx, p.accountId, id);
    if (!current) throw notFound('User');
    // An owner's name, password, status and role are an owner's to change: anyone else could take the account.
    authorize(p, 'users:write', { kind: 'user', role: current.role, grant: patch.role });
    const losesOwner =
      current.role === 'owner' && ((patch.role && patch.role !== 'owner') || patch.status === 'disabled');
    if (losesOwner) {
      await repo.lockOwners(tx, p.accountId);
      if ((await repo.countOtherOwners(tx, p.accountId, id)) === 0) {
        throw new AppError('CONFLICT', 'The account must keep at least one active owner');
      }
    }
    const user = await repo.updateUser(tx, p.accountId, id, { ...patch, passwordHash });
    if (patch.status === 'disabled' || passwordHash) {
      await revokeUserSessions(tx, id);
    }
    revokedKeys = await revokeKeysBeyondCreator(
      tx,
      p,
      { id, role: user!.role, active: user!.status === 'active' },
      ip,
    );
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'user.updated',
      actor: actorOf(p),
      subject: { type: 'user', id },
      ip,
      data: {
        changed: Object.keys(patch).filter((k) => k !== 'password'),
        password_changed: Boolean(passwordHash),
      },
    });
    return user!;
  });
  if (revokedKeys > 0) await publishKeysChanged(ctx, p.accountId);
  return updated;
}

export async function removeUser(ctx: AppContext, p: Principal, id: string, ip: string) {
  if (p.actorType === 'user' && p.actorId === id)
    throw new AppError('CONFLICT', 'You cannot delete your own user');
  const revokedKeys = await ctx.db.tx(async (tx) => {
    const current = await repo.findUser(tx, p.accountId, id);
    if (!current) throw notFound('User');
    authorize(p, 'users:write', { kind: 'user', role: current.role });
    if (current.role === 'owner') {
      if ((await repo.countOtherOwners(tx, p.accountId, id)) === 0) {
        throw new AppError('CONFLICT', 'The account must keep at least one active owner');
      }
    }
    const revoked = await revokeKeysBeyondCreator(tx, p, { id, role: current.role, active: false }, ip);
    await repo.deleteUser(tx, p.accountId, id);
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'user.deleted',
      actor: actorOf(p),
      subject: { type: 'user', id },
      ip,
      data: { email: current.email },
    });
    return revoked;
  });
  if (revokedKeys > 0) await publishKeysChanged(ctx, p.accountId);
}

/** Every process drops its cached API keys (revocations take effect at once everywhere). */
function publishKeysChanged(ctx: AppContext, accountId: string) {
  return ctx.bus.publish({ topic: API_KEYS_CHANGED, accountId, data: {} });
}

/** A page of the account's staff users (rows plus one look-ahead row). */
export function listUsers(ctx: AppContext, accountId: string, filter: Parameters<typeof repo.listUsers>[2]) {
  return repo.listUsers(ctx.db.sql, accountId, filter);
}

export async function getUser(ctx: AppContext, accountId: string, id: string) {
  const user = await repo.findUser(ctx.db.sql, accountId, id);
  if (!user) throw notFound('User');
  return user;
}
