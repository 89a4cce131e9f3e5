import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { existsInAccount } from '../db/patch.js';
import { recordEvent } from '../events/record.js';
import { generateSigningKey, type SigningAlg, type SigningKeyRow } from './keys.js';
import {
  findActiveKey,
  findActiveProductKey,
  insertProductKey,
  lockAccountForRotation,
  markRetiring,
} from './repository.js';
import { LICENSE_AUDIENCE, SIGNING_KEYS_CHANGED } from './signing-keys.js';

type Actor = { type: 'user' | 'api_key' | 'system'; id?: string | null };

export interface TokenSettingsInput {
  algorithm: SigningAlg;
  issuer?: string | null | undefined;
  audience?: string | null | undefined;
  /** How long the product's previous key keeps verifying the tokens it signed (default 30 days). */
  overlap_hours?: number | undefined;
}

/** How a product's activation tokens are signed: its own key's settings, or the account's defaults. */
function present(
  ctx: AppContext,
  productId: string,
  key: SigningKeyRow | undefined,
  fallback?: SigningKeyRow,
) {
  return {
    product_id: productId,
    own_key: key !== undefined,
    algorithm: (key ?? fallback)?.alg ?? 'EdDSA',
    issuer: key?.issuer ?? ctx.config.publicUrl,
    audience: key?.audience ?? LICENSE_AUDIENCE,
    kid: (key ?? fallback)?.kid ?? null,
  };
}

async function assertProduct(ctx: AppContext, accountId: string, productId: string) {
  if (!(await existsInAccount(ctx.db.sql, 'products', accountId, productId))) throw notFound('Product');
}

export async function getTokenSettings(ctx: AppContext, accountId: string, productId: string) {
  await assertProduct(ctx, accountId, productId);
  const own = await findActiveProductKey(ctx.db.sql, accountId, productId);
  return present(ctx, productId, own, own ? undefined : await findActiveKey(ctx.db.sql, accountId));
}

/**
 * Gives a product its own signing key with these settings. The product's previous key (if any) keeps
 * verifying what it signed through the overlap; the same settings again change nothing.
 */
export async function setTokenSettings(
  ctx: AppContext,
  accountId: string,
  productId: string,
  input: TokenSettingsInput,
  actor: Actor,
) {
  await assertProduct(ctx, accountId, productId);
  const issuer = input.issuer ?? null;
  const audience = input.audience ?? null;
  if (audience === LICENSE_AUDIENCE)
    throw new AppError('INVALID_FIELD', `${LICENSE_AUDIENCE} is always in the audience; name your app's`, {
      pointer: '/body/audience',
    });
  const now = ctx.clock.now();
  const retireAfter = new Date(now.getTime() + (input.overlap_hours ?? 720) * 3_600_000);
  const result = await ctx.db.tx(async (tx) => {
    await lockAccountForRotation(tx, accountId);
    const old = await findActiveProductKey(tx, accountId, productId);
    if (old && old.alg === input.algorithm && old.issuer === issuer && old.audience === audience)
      return { key: old, changed: false };
    if (old) await markRetiring(tx, old.id, now, retireAfter);
    const key = await insertProductKey(
      tx,
      accountId,
      productId,
      generateSigningKey(ctx.keyring, input.algorithm),
      {
        issuer,
        audience,
      },
    );
    await recordEvent(tx, {
      accountId,
      type: 'product.token_settings_changed',
      actor,
      subject: { type: 'product', id: productId },
      data: { kid: key.kid, alg: key.alg, issuer, audience, previous_kid: old?.kid ?? null },
    });
    return { key, changed: true };
  });
  if (result.changed) await ctx.bus.publish({ topic: SIGNING_KEYS_CHANGED, accountId, data: {} });
  return present(ctx, productId, result.key);
}

/** Back to the account's key and this server's issuer and audience; the product's key retires after the overlap. */
export async function clearTokenSettings(
  ctx: AppContext,
  accountId: string,
  productId: string,
  overlapHours: number | undefined,
  actor: Actor,
) {
  await assertProduct(ctx, accountId, productId);
  const now = ctx.clock.now();
  const changed = await ctx.db.tx(async (tx) => {
    await lockAccountForRotation(tx, accountId);
    const old = await findActiveProductKey(tx, accountId, productId);
    if (!old) return false;
    await markRetiring(tx, old.id, now, new Date(now.getTime() + (overlapHours ?? 720) * 3_600_000));
    await recordEvent(tx, {
      accountId,
      type: 'product.token_settings_changed',
      actor,
      subject: { type: 'product', id: productId },
      data: { kid: null, previous_kid: old.kid },
    });
    return true;
  });
  if (changed) await ctx.bus.publish({ topic: SIGNING_KEYS_CHANGED, accountId, data: {} });
  return getTokenSettings(ctx, accountId, productId);
}
