import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import { API_KEYS_CHANGED } from '../auth/api-key-cache.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { recordEvent } from '../events/record.js';
import { findApiKeyRow, insertApiKey, listApiKeyRows, markRevoked } from './repository.js';
import type { CreateBody } from './schemas.js';

/** Creates an API key. The secret (`kw_<prefix>_<random>`) is returned once and stored only as an HMAC digest. */
export async function createApiKey(
  ctx: AppContext,
  p: Principal,
  input: Static<typeof CreateBody>,
  ip: string,
) {
  const roleRank = ['read_only', 'support', 'sales', 'developer', 'admin', 'owner'];
  if (roleRank.indexOf(input.role) > roleRank.indexOf(p.role)) {
    throw new AppError(
      'FORBIDDEN',
      `A ${p.role} cannot create an API key with the more powerful ${input.role} role`,
    );
  }
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt <= ctx.clock.now()) {
    throw new AppError('INVALID_FIELD', '/body/expires_at must be in the future', {
      pointer: '/body/expires_at',
    });
  }
  const prefix = randomBytes(6).toString('hex');
  const secret = `kw_${prefix}_${randomBytes(32).toString('base64url')}`;
  return ctx.db.tx(async (tx) => {
    const row = await insertApiKey(tx, {
      accountId: p.accountId,
      name: input.name,
      prefix,
      digest: digestSecret(ctx.keyring, secret),
      role: input.role,
      createdBy: p.actorType === 'user' ? p.actorId : null,
      expiresAt,
    });
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'api_key.created',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'api_key', id: row.id },
      ip,
      data: { name: input.name, role: input.role, prefix },
    });
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
    const row = await markRevoked(tx, p.accountId, id);
    if (!row) throw notFound('API key');
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'api_key.revoked',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'api_key', id },
      ip,
    });
    return row;
  });
  await ctx.bus.publish({ topic: API_KEYS_CHANGED, accountId: p.accountId, data: { id } });
  return revoked;
}
