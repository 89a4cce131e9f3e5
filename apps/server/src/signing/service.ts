import { operatorAccountId } from '../accounts/repository.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import { generateSigningKey, type SigningAlg } from './keys.js';
import {
  findActiveKey,
  findKeyForUpdate,
  insertSigningKey,
  listAccountKeys,
  lockAccountForRotation,
  markRetired,
  markRetiring,
  retireKeysPastOverlap,
  verifyingPublicKeys,
} from './repository.js';
import { SIGNING_KEYS_CHANGED } from './signing-keys.js';

type Actor = { type: 'user' | 'api_key' | 'system'; id?: string | null };

const publishChanged = (ctx: AppContext, accountId: string) =>
  ctx.bus.publish({ topic: SIGNING_KEYS_CHANGED, accountId, data: {} });

/**
 * One account's public keys that verify right now (active + retiring within overlap), as a JWK set; no
 * account named: the server's first (a one-account server's only) account. An unknown account has none:
 * the answer does not tell which accounts exist.
 */
export async function jwks(ctx: AppContext, account: string | undefined) {
  const named = account ?? (await operatorAccountId(ctx.db.sql));
  const rows = named ? await verifyingPublicKeys(ctx.db.sql, named, ctx.clock.now()) : [];
  return { keys: rows.map((r) => r.public_jwk) };
}

/** The account's keys, public parts only. */
export function listSigningKeys(ctx: AppContext, accountId: string) {
  return listAccountKeys(ctx.db.sql, accountId, ctx.clock.now());
}

/** New active key; the old one keeps verifying for `overlapHours`, then retires. */
export async function rotateSigningKey(
  ctx: AppContext,
  accountId: string,
  opts: { alg?: SigningAlg | undefined; overlapHours?: number | undefined },
  actor: Actor,
) {
  const fresh = generateSigningKey(ctx.keyring, opts.alg ?? 'EdDSA');
  const now = ctx.clock.now();
  const retireAfter = new Date(now.getTime() + (opts.overlapHours ?? 168) * 3_600_000);
  const row = await ctx.db.tx(async (tx) => {
    await lockAccountForRotation(tx, accountId);
    const old = await findActiveKey(tx, accountId);
    if (old) await markRetiring(tx, old.id, now, retireAfter);
    const created = await insertSigningKey(tx, accountId, fresh);
    await recordEvent(tx, {
      accountId,
      type: 'signing_key.rotated',
      actor,
      subject: { type: 'signing_key', id: created.id },
      data: {
        kid: created.kid,
        alg: created.alg,
        previous_kid: old?.kid ?? null,
        retire_after: old ? retireAfter.toISOString() : null,
      },
    });
    return created;
  });
  await publishChanged(ctx, accountId);
  return row;
}

/** Retires a non-active key at once: tokens it signed stop verifying. */
export async function retireSigningKey(ctx: AppContext, accountId: string, id: string, actor: Actor) {
  const result = await ctx.db.tx(async (tx) => {
    const current = await findKeyForUpdate(tx, accountId, id);
    if (!current) throw new AppError('NOT_FOUND', 'Signing key not found');
    if (current.status === 'active')
      throw new AppError('INVALID_STATE_TRANSITION', 'Rotate first: the active key cannot be retired');
    if (current.status === 'retired') return { row: current, changed: false };
    const updated = await markRetired(tx, id, ctx.clock.now());
    await recordEvent(tx, {
      accountId,
      type: 'signing_key.retired',
      actor,
      subject: { type: 'signing_key', id },
      data: { kid: current.kid, reason: 'manual' },
    });
    return { row: updated, changed: true };
  });
  if (result.changed) await publishChanged(ctx, accountId);
  return result.row;
}

/** Marks keys whose overlap has ended as retired, with an event each (verification already refuses them). */
export async function retireExpiredKeys(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const retired = await ctx.db.tx(async (tx) => {
    const rows = await retireKeysPastOverlap(tx, now);
    for (const r of rows)
      await recordEvent(tx, {
        accountId: r.account_id,
        type: 'signing_key.retired',
        actor: { type: 'system' },
        subject: { type: 'signing_key', id: r.id },
        data: { kid: r.kid, reason: 'overlap_ended', retire_after: r.retire_after?.toISOString() ?? null },
      });
    return rows;
  });
  for (const accountId of new Set(retired.map((r) => r.account_id))) await publishChanged(ctx, accountId);
  return retired.length;
}
