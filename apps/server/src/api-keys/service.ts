import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import { API_KEYS_CHANGED } from '../auth/api-key-cache.js';
import { authorize, type Role, roleCovers } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import type { Queryable } from '../db/database.js';
import { recordEvent } from '../events/record.js';
import {
  activeKeysCreatedBy,
  activeKeysMadeWith,
  findApiKeyRow,
  insertApiKey,
  listApiKeyRows,
  markRevoked,
} from './repository.js';
import type { CreateBody } from './schemas.js';

/** The event of a change to an API key, by principal `p`. */
function keyEvent(p: Principal, type: string, keyId: string, ip: string, data?: Record<string, unknown>) {
  return {
    accountId: p.accountId,
    type,
    actor: { type: p.actorType, id: p.actorId },
    subject: { type: 'api_key', id: keyId },
    ip,
    ...(data ? { data } : {}),
  };
}

/** Creates an API key. The secret (`kw_<prefix>_<random>`) is returned once and stored only as an HMAC digest. */
export async function createApiKey(
  ctx: AppContext,
  p: Principal,
  input: Static<typeof CreateBody>,
  ip: string,
) {
  authorize(p, 'api_keys:write', { kind: 'api_key', role: input.role });
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt <= ctx.clock.now()) {
    throw new AppError('INVALID_FIELD', '/body/expires_at must be in the future', {
      pointer: '/body/expires_at',
    });
  }
  const prefix = randomBytes(6).toString('hex');
  const secret = `kw_${prefix}_${randomBytes(32).toString('base64url')}`;
  return ctx.db.tx(async (tx) => {
    // A key made with a key answers to the person behind that key, and to the key itself.
    const parent = p.actorType === 'api_key' ? await findApiKeyRow(tx, p.accountId, p.actorId) : undefined;
    const row = await insertApiKey(tx, {
      accountId: p.accountId,
      name: input.name,
      prefix,
      digest: digestSecret(ctx.keyring, secret),
      role: input.role,
      createdBy: p.actorType === 'user' ? p.actorId : (parent?.created_by ?? null),
      createdByKey: parent ? p.actorId : null,
      expiresAt,
    });
    await recordEvent(
      tx,
      keyEvent(p, 'api_key.created', row.id, ip, { name: input.name, role: input.role, prefix }),
    );
    return { ...row, secret };
  });
}

export async function listApiKeys(
  ctx: AppContext,
  accountId: string,
  limit: number,
  offset: number,
  includeRevoked: boolean,
) {
  return listApiKeyRows(ctx.db.sql, accountId, limit, offset, includeRevoked);
}

export async function findApiKey(ctx: AppContext, accountId: string, id: string) {
  const row = await findApiKeyRow(ctx.db.sql, accountId, id);
  if (!row) throw notFound('API key');
  return row;
}

export async function revokeApiKey(ctx: AppContext, p: Principal, id: string, ip: string) {
  const revoked = await ctx.db.tx(async (tx) => {
    const row = await revokeKey(tx, p, id, ip);
    if (!row) throw notFound('API key');
    await revokeKeysMadeWith(tx, p, id, ip);
    return row;
  });
  await ctx.bus.publish({ topic: API_KEYS_CHANGED, accountId: p.accountId, data: { id } });
  return revoked;
}

/**
 * A staff user's keys follow their rights: when the user is disabled or deleted every key they made is
 * revoked, and when their role changes the keys whose role it no longer covers are. Runs in the
 * transaction that changes the user; the caller publishes `API_KEYS_CHANGED` after it commits.
 */
export async function revokeKeysBeyondCreator(
  tx: Queryable,
  p: Principal,
  user: { id: string; role: Role; active: boolean },
  ip: string,
): Promise<number> {
  const keys = await activeKeysCreatedBy(tx, p.accountId, user.id);
  const revoke = keys.filter((k) => !user.active || !roleCovers(user.role, k.role));
  let revoked = 0;
  for (const key of revoke) {
    await revokeKey(tx, p, key.id, ip, {
      reason: user.active ? 'creator_role_changed' : 'creator_removed',
      creator_id: user.id,
    });
    revoked += 1 + (await revokeKeysMadeWith(tx, p, key.id, ip));
  }
  return revoked;
}

/** Revokes the keys made with key `keyId`, down the line (each with its event); returns how many. */
async function revokeKeysMadeWith(tx: Queryable, p: Principal, keyId: string, ip: string): Promise<number> {
  const made = await activeKeysMadeWith(tx, p.accountId, keyId);
  for (const key of made)
    await revokeKey(tx, p, key.id, ip, { reason: 'creator_key_revoked', creator_key_id: keyId });
  return made.length;
}

/** Revokes one key of the account with its `api_key.revoked` event; undefined when there is no such key. */
async function revokeKey(
  tx: Queryable,
  p: Principal,
  keyId: string,
  ip: string,
  data?: Record<string, unknown>,
) {
  const row = await markRevoked(tx, p.accountId, keyId);
  if (row) await recordEvent(tx, keyEvent(p, 'api_key.revoked', keyId, ip, data));
  return row;
}
