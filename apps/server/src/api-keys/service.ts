import { randomBytes } from 'node:crypto';
import { API_KEYS_CHANGED } from '../auth/api-key-cache.js';
import type { Principal } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { recordEvent } from '../events/record.js';

const COLUMNS =
  'id, account_id, name, prefix, role, created_by, last_used_at, expires_at, revoked_at, created_at';

/** Creates an API key. The secret (`kw_<prefix>_<random>`) is returned once and stored only as an HMAC digest. */
export async function createApiKey(
  ctx: AppContext,
  p: Principal,
  input: { name: string; role: string; expires_at?: string | undefined },
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
    const [row] = await tx`
      insert into api_keys (account_id, name, prefix, secret_digest, role, created_by, expires_at)
      values (${p.accountId}, ${input.name}, ${prefix}, ${digestSecret(ctx.keyring, secret)}, ${input.role},
              ${p.actorType === 'user' ? p.actorId : null}, ${expiresAt})
      returning ${tx.unsafe(COLUMNS)}`;
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'api_key.created',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'api_key', id: row!.id },
      ip,
      data: { name: input.name, role: input.role, prefix },
    });
    return { ...row!, secret };
  });
}

export async function listApiKeys(
  ctx: AppContext,
  accountId: string,
  limit: number,
  offset: number,
  includeRevoked: boolean,
) {
  return ctx.db.sql`
    select ${ctx.db.sql.unsafe(COLUMNS)} from api_keys
    where account_id = ${accountId} ${includeRevoked ? ctx.db.sql`` : ctx.db.sql`and revoked_at is null`}
    order by created_at desc, id desc limit ${limit + 1} offset ${offset}`;
}

export async function findApiKey(ctx: AppContext, accountId: string, id: string) {
  const [row] = await ctx.db
    .sql`select ${ctx.db.sql.unsafe(COLUMNS)} from api_keys where account_id = ${accountId} and id = ${id}`;
  if (!row) throw notFound('API key');
  return row;
}

export async function revokeApiKey(ctx: AppContext, p: Principal, id: string, ip: string) {
  const revoked = await ctx.db.tx(async (tx) => {
    const [row] = await tx`
      update api_keys set revoked_at = coalesce(revoked_at, now())
      where account_id = ${p.accountId} and id = ${id} returning ${tx.unsafe(COLUMNS)}`;
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
