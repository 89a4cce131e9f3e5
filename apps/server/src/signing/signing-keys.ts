import { type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { BusCache } from '../core/bus-cache.js';
import type { AppContext } from '../core/context.js';
import { recordEvent } from '../events/record.js';
import {
  generateSigningKey,
  privateKeyOf,
  publicKeyOf,
  type SigningAlg,
  type SigningKeyRow,
} from './keys.js';
import { findActiveKey, findActiveProductKey, findKeyByKid, insertFirstSigningKey } from './repository.js';
import { VerifiedTokenCache } from './token-cache.js';

/** Audience of activation tokens: they are for licensed apps, nothing else. */
export const LICENSE_AUDIENCE = 'keyward:license';
/** Topic every process hears when a key is rotated or retired anywhere. */
export const SIGNING_KEYS_CHANGED = 'signing_keys.changed';

/** Verified claims: arbitrary JSON from the token, read by callers field by field. */
// biome-ignore lint/suspicious/noExplicitAny: the public verification API hands out untyped JWT claims
export type TokenClaims = Record<string, any>;

export type TokenVerification =
  | { ok: true; claims: TokenClaims; kid: string }
  | { ok: false; code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED'; reason: string };

interface KnownKey {
  row: SigningKeyRow;
  publicKey: KeyObject;
  privateKey?: KeyObject;
}

const MAX_TOKEN_LENGTH = 16_384;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
const invalid = (reason: string): TokenVerification => ({ ok: false, code: 'TOKEN_INVALID', reason });
const expired = (): TokenVerification => ({
  ok: false,
  code: 'TOKEN_EXPIRED',
  reason: 'The token has expired; refresh or activate again',
});
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

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

/**
 * This process's signing keys: the key material it has loaded (private halves decrypted once), the
 * tokens it has verified, and the kids it looked up in vain. One per process, built by the composition
 * root; a rotation or retirement in any process drops all of it (bus), and it reloads on demand.
 */
export class SigningKeys {
  private readonly byKid: BusCache<string, KnownKey>;
  private readonly activeByAccount: BusCache<string, KnownKey>;
  /** A product's own active key, or `false` when it signs with the account's. */
  private readonly activeByProduct: BusCache<string, KnownKey | false>;
  /** kids looked up and not found, for 30 s (bounds database lookups from forged tokens). */
  private readonly unknownKids: BusCache<string, true>;
  private readonly tokens = new VerifiedTokenCache();
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: AppContext) {
    const forever = {
      bus: ctx.bus,
      clock: ctx.clock,
      topic: SIGNING_KEYS_CHANGED,
      ttlMs: Number.POSITIVE_INFINITY,
    };
    this.byKid = new BusCache({ ...forever, max: 100_000 });
    this.activeByAccount = new BusCache({ ...forever, max: 100_000 });
    this.activeByProduct = new BusCache({ ...forever, max: 100_000 });
    this.unknownKids = new BusCache({ ...forever, ttlMs: 30_000, max: 10_000 });
    this.unsubscribe = ctx.bus.subscribe(SIGNING_KEYS_CHANGED, () => this.tokens.clear());
  }

  close() {
    this.unsubscribe();
    for (const cache of [this.byKid, this.activeByAccount, this.activeByProduct, this.unknownKids])
      cache.close();
  }

  /**
   * The key that signs for a product: its own (token settings) if it has one, else the account's current
   * key, created (EdDSA) on demand.
   */
  async signer(accountId: string, productId?: string | null) {
    const key =
      (productId && (await this.productKey(accountId, productId))) || (await this.activeKey(accountId));
    return {
      kid: key.row.kid,
      alg: key.row.alg,
      issuer: key.row.issuer ?? this.ctx.config.publicUrl,
      // A custom audience comes first; keyward:license stays so the SDK still accepts the token.
      audience: key.row.audience ? [key.row.audience, LICENSE_AUDIENCE] : LICENSE_AUDIENCE,
      sign: (data: Buffer) => rawSign(key.row.alg, key.privateKey!, data),
    };
  }

  /**
   * Signs a compact JWT with the account's active key: `kid` in the header, account_id/iss/aud/sub/iat/
   * exp/jti in the claims (account_id is always the signing account's: verification compares the two).
   */
  async signToken(
    accountId: string,
    claims: Record<string, unknown>,
    opts: { subject: string; ttlSeconds: number; productId?: string | null },
  ): Promise<{ token: string; jti: string; kid: string; expires_at: Date }> {
    const signer = await this.signer(accountId, opts.productId);
    const iat = Math.floor(this.ctx.clock.now().getTime() / 1000);
    const exp = iat + opts.ttlSeconds;
    const jti = randomBytes(12).toString('base64url');
    const body = {
      ...claims,
      account_id: accountId,
      iss: signer.issuer,
      aud: signer.audience,
      sub: opts.subject,
      iat,
      exp,
      jti,
    };
    const input = `${b64({ alg: signer.alg, typ: 'JWT', kid: signer.kid })}.${b64(body)}`;
    const token = `${input}.${signer.sign(Buffer.from(input)).toString('base64url')}`;
    return { token, jti, kid: signer.kid, expires_at: new Date(exp * 1000) };
  }

  /**
   * Verifies an activation token. Never throws for a bad token: returns the reason. Rejects malformed
   * tokens, any alg other than the key's own (so `none` and algorithm swaps fail), unknown or retired
   * kids, bad signatures, wrong iss/aud, and expiry (against the injected clock).
   */
  /**
   * The verdict on a token whose signature this process already checked (its key still usable), without
   * waiting: valid, or expired. Undefined when the token must be verified (`verifyToken`).
   */
  cachedVerdict(token: string): TokenVerification | undefined {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
    const hit = this.tokens.get(token);
    if (!hit) return undefined;
    const key = this.byKid.get(hit.kid);
    if (!key || !this.usable(key.row)) return undefined;
    if (hit.exp <= this.ctx.clock.now().getTime() / 1000) return expired();
    return { ok: true, claims: hit.claims, kid: hit.kid };
  }

  async verifyToken(token: string): Promise<TokenVerification> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
      return invalid('The token is not a signed JWT');
    const cached = this.cachedVerdict(token);
    if (cached) return cached;
    const nowSec = this.ctx.clock.now().getTime() / 1000;
    try {
      return await this.verifyUncached(token, nowSec);
    } catch (err) {
      // Whatever a crafted token trips over is a bad token; a database failure is not a verdict (5xx).
      if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError)
        return invalid('The token is not a signed JWT');
      throw err;
    }
  }

  /**
   * Checks a detached signature (license files) against key `kid`: the key must exist, still be usable
   * and have algorithm `alg` (so a file cannot downgrade or swap it). Returns the key's account.
   */
  async verifyDetached(
    kid: string,
    alg: string,
    data: Buffer,
    signature: Buffer,
  ): Promise<{ ok: true; accountId: string } | { ok: false; reason: string }> {
    if (!KID_PATTERN.test(kid)) return { ok: false, reason: 'The file names no valid signing key' };
    const known = await this.keyForKid(kid);
    if (!known) return { ok: false, reason: 'The file was signed by an unknown key' };
    if (!this.usable(known.row)) return { ok: false, reason: 'The file was signed by a retired key' };
    if (alg !== known.row.alg)
      return { ok: false, reason: `The file's algorithm is not the key's (${known.row.alg})` };
    if (!rawVerify(known.row.alg, known.publicKey, data, signature))
      return { ok: false, reason: 'The file signature does not verify' };
    return { ok: true, accountId: known.row.account_id };
  }

  private async verifyUncached(token: string, nowSec: number): Promise<TokenVerification> {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2])
      return invalid('The token is not a signed JWT');
    const header = decodeSegment(parts[0]);
    const claims = decodeSegment(parts[1]);
    if (!header || !claims) return invalid('The token is not a signed JWT');
    if (typeof header.kid !== 'string' || !KID_PATTERN.test(header.kid))
      return invalid('The token names no signing key');
    if (header.crit !== undefined) return invalid('The token has critical header parameters');
    const key = await this.keyForKid(header.kid);
    if (!key) return invalid('The token was signed by an unknown key');
    if (header.alg !== key.row.alg) return invalid(`The token's algorithm is not the key's (${key.row.alg})`);
    if (!this.usable(key.row)) return invalid('The token was signed by a retired key');
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!rawVerify(key.row.alg, key.publicKey, signed, Buffer.from(parts[2], 'base64url')))
      return invalid('The token signature does not verify');
    // One tenant's key must not vouch for another tenant's licenses.
    if (claims.account_id !== key.row.account_id)
      return invalid("The token names another account than its signing key's");
    // The issuer and audience the key signs with (a product's own, or this server's).
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (
      claims.iss !== (key.row.issuer ?? this.ctx.config.publicUrl) ||
      !audience.includes(LICENSE_AUDIENCE) ||
      (key.row.audience !== null && !audience.includes(key.row.audience))
    )
      return invalid('The token was issued for another server or audience');
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
      return invalid('The token has no expiry');
    this.tokens.set(token, { claims, kid: header.kid, exp: claims.exp });
    if (claims.exp <= nowSec) return expired();
    return { ok: true, claims, kid: header.kid };
  }

  /** A key usable for verification now: active, or retiring within its overlap window. */
  private usable(row: SigningKeyRow): boolean {
    if (row.status === 'active') return true;
    return row.status === 'retiring' && row.retire_after !== null && row.retire_after > this.ctx.clock.now();
  }

  private remember(row: SigningKeyRow, withPrivate: boolean): KnownKey {
    const known: KnownKey = {
      row,
      publicKey: publicKeyOf(row),
      ...(withPrivate ? { privateKey: privateKeyOf(this.ctx.keyring, row) } : {}),
    };
    this.byKid.set(row.kid, known);
    if (row.status === 'active' && withPrivate && row.product_id === null)
      this.activeByAccount.set(row.account_id, known);
    return known;
  }

  private async activeKey(accountId: string): Promise<KnownKey> {
    const cached = this.activeByAccount.get(accountId);
    if (cached) return cached;
    const { db } = this.ctx;
    let row = await findActiveKey(db.sql, accountId);
    if (!row) {
      const fresh = generateSigningKey(this.ctx.keyring, 'EdDSA');
      row = await db.tx(async (tx) => {
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
      row ??= await findActiveKey(db.sql, accountId);
      if (!row) throw new Error(`no active signing key for account ${accountId}`);
    }
    return this.remember(row, true);
  }

  private async productKey(accountId: string, productId: string): Promise<KnownKey | false> {
    const cacheKey = `${accountId}:${productId}`;
    const cached = this.activeByProduct.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = await findActiveProductKey(this.ctx.db.sql, accountId, productId);
    const known = row ? this.remember(row, true) : false;
    this.activeByProduct.set(cacheKey, known);
    return known;
  }

  private async keyForKid(kid: string): Promise<KnownKey | undefined> {
    const known = this.byKid.get(kid);
    if (known) return known;
    // Not known here: another process may have created or rotated it, so ask the database,
    // but not again for a while if it does not exist there either.
    if (this.unknownKids.get(kid)) return undefined;
    const row = await findKeyByKid(this.ctx.db.sql, kid);
    if (row) {
      this.unknownKids.delete(kid);
      return this.remember(row, false);
    }
    this.unknownKids.set(kid, true);
    return undefined;
  }
}
