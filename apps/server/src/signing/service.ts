import { type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import {
  findActiveKey,
  findKeyByKid,
  generateSigningKey,
  insertFirstSigningKey,
  insertSigningKey,
  privateKeyOf,
  publicKeyOf,
  type SigningAlg,
  type SigningKeyRow,
} from './keys.js';
import { VerifiedTokenCache } from './token-cache.js';

/** Audience of activation tokens: they are for licensed apps, nothing else. */
export const LICENSE_AUDIENCE = 'keyward:license';
const CHANGED = 'signing_keys.changed';

interface KnownKey {
  row: SigningKeyRow;
  publicKey: KeyObject;
  privateKey?: KeyObject;
}

/** Per-process key material and verified-token cache, created lazily for each AppContext. */
interface SigningState {
  byKid: Map<string, KnownKey>;
  activeByAccount: Map<string, KnownKey>;
  tokens: VerifiedTokenCache;
  /** kids looked up and not found → when to look again (bounds DB lookups from forged tokens). */
  unknownKids: Map<string, number>;
}
const states = new WeakMap<AppContext, SigningState>();

function stateOf(ctx: AppContext): SigningState {
  let s = states.get(ctx);
  if (!s) {
    const state: SigningState = {
      byKid: new Map(),
      activeByAccount: new Map(),
      tokens: new VerifiedTokenCache(),
      unknownKids: new Map(),
    };
    // Rotation or retirement in any process: forget what we know and reload on demand.
    ctx.bus.subscribe(CHANGED, () => {
      state.byKid.clear();
      state.activeByAccount.clear();
      state.tokens.clear();
      state.unknownKids.clear();
    });
    states.set(ctx, state);
    s = state;
  }
  return s;
}

function remember(ctx: AppContext, row: SigningKeyRow, withPrivate: boolean): KnownKey {
  const s = stateOf(ctx);
  const known: KnownKey = {
    row,
    publicKey: publicKeyOf(row),
    ...(withPrivate ? { privateKey: privateKeyOf(ctx.keyring, row) } : {}),
  };
  s.byKid.set(row.kid, known);
  if (row.status === 'active' && withPrivate) s.activeByAccount.set(row.account_id, known);
  return known;
}

function rawSign(alg: SigningAlg, key: KeyObject, data: Buffer): Buffer {
  return sign(alg === 'EdDSA' ? null : 'sha256', data, key);
}

function rawVerify(alg: SigningAlg, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(alg === 'EdDSA' ? null : 'sha256', data, key, signature);
  } catch {
    return false;
  }
}

async function activeKey(ctx: AppContext, accountId: string): Promise<KnownKey> {
  const cached = stateOf(ctx).activeByAccount.get(accountId);
  if (cached) return cached;
  let row = await findActiveKey(ctx.db.sql, accountId);
  if (!row) {
    const fresh = generateSigningKey(ctx.keyring, 'EdDSA');
    row = await ctx.db.tx(async (tx) => {
      // The partial unique index lets one first key per account win; the loser inserts nothing.
      const created = await insertFirstSigningKey(tx, accountId, fresh);
      if (created)
        await recordEvent(tx, {
          accountId,
          type: 'signing_key.created',
          actor: { type: 'system' },
          subject: { type: 'signing_key', id: created.id },
          data: { kid: created.kid, alg: created.alg },
        });
      return created;
    });
    // Another process created the first key at the same moment: use that one.
    row ??= await findActiveKey(ctx.db.sql, accountId);
    if (!row) throw new Error(`no active signing key for account ${accountId}`);
  }
  return remember(ctx, row, true);
}

/** The account's current signing key; creates the first one (EdDSA) on demand. */
export async function getSigner(ctx: AppContext, accountId: string) {
  const key = await activeKey(ctx, accountId);
  return {
    kid: key.row.kid,
    alg: key.row.alg,
    sign: (data: Buffer) => rawSign(key.row.alg, key.privateKey!, data),
  };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Signs a compact JWT with the account's active key: `kid` in the header, iss/aud/sub/iat/exp/jti in the claims. */
export async function signLicenseToken(
  ctx: AppContext,
  accountId: string,
  claims: Record<string, unknown>,
  opts: { subject: string; ttlSeconds: number },
): Promise<{ token: string; jti: string; kid: string; expires_at: Date }> {
  const signer = await getSigner(ctx, accountId);
  const iat = Math.floor(ctx.clock.now().getTime() / 1000);
  const exp = iat + opts.ttlSeconds;
  const jti = randomBytes(12).toString('base64url');
  const body = {
    ...claims,
    iss: ctx.config.publicUrl,
    aud: LICENSE_AUDIENCE,
    sub: opts.subject,
    iat,
    exp,
    jti,
  };
  const input = `${b64({ alg: signer.alg, typ: 'JWT', kid: signer.kid })}.${b64(body)}`;
  const token = `${input}.${signer.sign(Buffer.from(input)).toString('base64url')}`;
  return { token, jti, kid: signer.kid, expires_at: new Date(exp * 1000) };
}

/** Verified claims: arbitrary JSON from the token, read by callers field by field. */
// biome-ignore lint/suspicious/noExplicitAny: the public verification API hands out untyped JWT claims
export type TokenClaims = Record<string, any>;

export type TokenVerification =
  | { ok: true; claims: TokenClaims; kid: string }
  | { ok: false; code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED'; reason: string };

const invalid = (reason: string): TokenVerification => ({ ok: false, code: 'TOKEN_INVALID', reason });

/** A key usable for verification now: active, or retiring within its overlap window. */
function usable(ctx: AppContext, row: SigningKeyRow): boolean {
  if (row.status === 'active') return true;
  return row.status === 'retiring' && row.retire_after !== null && row.retire_after > ctx.clock.now();
}

const UNKNOWN_KID_TTL_MS = 30_000;
const MAX_UNKNOWN_KIDS = 10_000;

async function keyForKid(ctx: AppContext, kid: string): Promise<KnownKey | undefined> {
  const state = stateOf(ctx);
  const known = state.byKid.get(kid);
  if (known) return known;
  // Not known here: another process may have created or rotated it, so ask the database,
  // but not again for a while if it does not exist there either.
  const retryAt = state.unknownKids.get(kid);
  if (retryAt !== undefined && retryAt > Date.now()) return undefined;
  const row = await findKeyByKid(ctx.db.sql, kid);
  if (row) {
    state.unknownKids.delete(kid);
    return remember(ctx, row, false);
  }
  if (state.unknownKids.size >= MAX_UNKNOWN_KIDS) state.unknownKids.clear();
  state.unknownKids.set(kid, Date.now() + UNKNOWN_KID_TTL_MS);
  return undefined;
}

const MAX_TOKEN_LENGTH = 16_384;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

function decodeSegment(segment: string): TokenClaims | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as TokenClaims)
      : undefined;
  } catch {
    return undefined;
  }
}

const expired = (): TokenVerification => ({
  ok: false,
  code: 'TOKEN_EXPIRED',
  reason: 'The token has expired; refresh or activate again',
});

/**
 * Verifies an activation token. Never throws for a bad token: returns the reason. Rejects malformed
 * tokens, any alg other than the key's own (so `none` and algorithm swaps fail), unknown or retired kids,
 * bad signatures, wrong iss/aud, and expiry (against the injected clock).
 */
export async function verifyLicenseToken(ctx: AppContext, token: string): Promise<TokenVerification> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
    return invalid('The token is not a signed JWT');
  const state = stateOf(ctx);
  const nowSec = ctx.clock.now().getTime() / 1000;
  const hit = state.tokens.get(token);
  if (hit) {
    const key = state.byKid.get(hit.kid);
    if (key && usable(ctx, key.row)) {
      if (hit.exp <= nowSec) return expired();
      return { ok: true, claims: hit.claims, kid: hit.kid };
    }
  }
  try {
    return await verifyUncached(ctx, state, token, nowSec);
  } catch (err) {
    // Whatever a crafted token trips over is a bad token; a database failure is not a verdict (5xx).
    if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError)
      return invalid('The token is not a signed JWT');
    throw err;
  }
}

async function verifyUncached(
  ctx: AppContext,
  state: SigningState,
  token: string,
  nowSec: number,
): Promise<TokenVerification> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2])
    return invalid('The token is not a signed JWT');
  const header = decodeSegment(parts[0]);
  const claims = decodeSegment(parts[1]);
  if (!header || !claims) return invalid('The token is not a signed JWT');
  if (typeof header.kid !== 'string' || !KID_PATTERN.test(header.kid))
    return invalid('The token names no signing key');
  if (header.crit !== undefined) return invalid('The token has critical header parameters');
  const key = await keyForKid(ctx, header.kid);
  if (!key) return invalid('The token was signed by an unknown key');
  if (header.alg !== key.row.alg) return invalid(`The token's algorithm is not the key's (${key.row.alg})`);
  if (!usable(ctx, key.row)) return invalid('The token was signed by a retired key');
  if (
    !rawVerify(
      key.row.alg,
      key.publicKey,
      Buffer.from(`${parts[0]}.${parts[1]}`),
      Buffer.from(parts[2], 'base64url'),
    )
  ) {
    return invalid('The token signature does not verify');
  }
  if (claims.iss !== ctx.config.publicUrl || claims.aud !== LICENSE_AUDIENCE)
    return invalid('The token was issued for another server or audience');
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
    return invalid('The token has no expiry');
  state.tokens.set(token, { claims, kid: header.kid, exp: claims.exp });
  if (claims.exp <= nowSec) return expired();
  return { ok: true, claims, kid: header.kid };
}

/**
 * Checks a detached signature (license files) against key `kid`: the key must exist, still be usable
 * and have algorithm `alg` (so a file cannot downgrade or swap it). Returns the key's account.
 */
export async function verifyDetached(
  ctx: AppContext,
  kid: string,
  alg: string,
  data: Buffer,
  signature: Buffer,
): Promise<{ ok: true; accountId: string } | { ok: false; reason: string }> {
  if (!KID_PATTERN.test(kid)) return { ok: false, reason: 'The file names no valid signing key' };
  const known = await keyForKid(ctx, kid);
  if (!known) return { ok: false, reason: 'The file was signed by an unknown key' };
  if (!usable(ctx, known.row)) return { ok: false, reason: 'The file was signed by a retired key' };
  if (alg !== known.row.alg)
    return { ok: false, reason: `The file's algorithm is not the key's (${known.row.alg})` };
  if (!rawVerify(known.row.alg, known.publicKey, data, signature))
    return { ok: false, reason: 'The file signature does not verify' };
  return { ok: true, accountId: known.row.account_id };
}

/** Public keys that verify right now (active + retiring within overlap), as a JWK set. */
export async function jwks(ctx: AppContext) {
  const rows = await ctx.db.sql<SigningKeyRow[]>`
    select public_jwk from signing_keys
    where status = 'active' or (status = 'retiring' and retire_after > ${ctx.clock.now()})
    order by created_at`;
  return { keys: rows.map((r) => r.public_jwk) };
}

type Actor = { type: 'user' | 'api_key' | 'system'; id?: string | null };

/** New active key; the old one keeps verifying for `overlapHours`, then retires. */
export async function rotateSigningKey(
  ctx: AppContext,
  accountId: string,
  opts: { alg?: SigningAlg; overlapHours?: number },
  actor: Actor,
) {
  const fresh = generateSigningKey(ctx.keyring, opts.alg ?? 'EdDSA');
  const now = ctx.clock.now();
  const retireAfter = new Date(now.getTime() + (opts.overlapHours ?? 168) * 3_600_000);
  const row = await ctx.db.tx(async (tx) => {
    await tx`select id from accounts where id = ${accountId} for update`; // one rotation at a time per account
    const old = await findActiveKey(tx, accountId);
    if (old)
      await tx`update signing_keys set status = 'retiring', rotated_at = ${now}, retire_after = ${retireAfter} where id = ${old.id}`;
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
  await ctx.bus.publish({ topic: CHANGED, accountId, data: {} });
  return row;
}

/** Retires a non-active key at once: tokens it signed stop verifying. */
export async function retireSigningKey(ctx: AppContext, accountId: string, id: string, actor: Actor) {
  const result = await ctx.db.tx(async (tx) => {
    const [current] = await tx<
      SigningKeyRow[]
    >`select * from signing_keys where account_id = ${accountId} and id = ${id} for update`;
    if (!current) throw new AppError('NOT_FOUND', 'Signing key not found');
    if (current.status === 'active')
      throw new AppError('INVALID_STATE_TRANSITION', 'Rotate first: the active key cannot be retired');
    if (current.status === 'retired') return { row: current, changed: false };
    const [updated] = await tx<
      SigningKeyRow[]
    >`update signing_keys set status = 'retired', retired_at = ${ctx.clock.now()} where id = ${id} returning *`;
    await recordEvent(tx, {
      accountId,
      type: 'signing_key.retired',
      actor,
      subject: { type: 'signing_key', id },
      data: { kid: current.kid, reason: 'manual' },
    });
    return { row: updated!, changed: true };
  });
  if (result.changed) await ctx.bus.publish({ topic: CHANGED, accountId, data: {} });
  return result.row;
}

/** Marks keys whose overlap has ended as retired, with an event each (verification already refuses them). */
export async function retireExpiredKeys(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const retired = await ctx.db.tx(async (tx) => {
    const rows = await tx<Pick<SigningKeyRow, 'id' | 'account_id' | 'kid' | 'retire_after'>[]>`
      update signing_keys set status = 'retired', retired_at = ${now}
      where status = 'retiring' and retire_after <= ${now}
      returning id, account_id, kid, retire_after`;
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
  for (const accountId of new Set(retired.map((r) => r.account_id)))
    await ctx.bus.publish({ topic: CHANGED, accountId, data: {} });
  return retired.length;
}

/** The account's keys, public parts only; a retiring key past its overlap shows as retired. */
export async function listSigningKeys(ctx: AppContext, accountId: string) {
  const now = ctx.clock.now();
  return ctx.db.sql`
    select id, kid, alg,
      case when status = 'retiring' and retire_after <= ${now} then 'retired' else status end as status,
      public_jwk, created_at, rotated_at, retire_after,
      case when status = 'retiring' and retire_after <= ${now} then retire_after else retired_at end as retired_at
    from signing_keys where account_id = ${accountId} order by created_at desc`;
}
