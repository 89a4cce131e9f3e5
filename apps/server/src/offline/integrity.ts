import type { SeatSnapshots } from '../activations/seat-snapshots.js';
import type { AppContext } from '../core/context.js';
import { decideLicense, LICENSE_OUTCOMES } from '../licenses/decision.js';
import type { SigningKeys } from '../signing/signing-keys.js';
import { parseLicenseFile } from './license-file.js';

/** Why something is or is not genuine, and whether its license is usable now. */
export const INTEGRITY_CODES = [
  'MALFORMED',
  'SIGNATURE_INVALID',
  'FILE_TAMPERED',
  'FILE_EXPIRED',
  // A genuine token or file answers with the license's current validation outcome.
  ...LICENSE_OUTCOMES,
] as const;
type IntegrityCode = (typeof INTEGRITY_CODES)[number];

export interface IntegrityAnswer {
  genuine: boolean;
  valid: boolean;
  kind: 'token' | 'license_file';
  code: IntegrityCode;
  reason: string;
  license_id: string | null;
  activation_id: string | null;
  kid: string | null;
  issued_at: string | null;
  expires_at: string | null;
}

const iso = (sec: unknown) => (typeof sec === 'number' ? new Date(sec * 1000).toISOString() : null);
/** The process parts the check uses. */
interface IntegrityDeps {
  ctx: AppContext;
  signing: SigningKeys;
  snapshots: SeatSnapshots;
}

const HEADER_FIELDS = ['alg', 'kid', 'issued_at', 'expires_at', 'encryption'] as const;

/**
 * POST /licensing/integrity-check: is this token or license file genuine (signed by this server with a
 * usable key, unaltered), which license and seat it is for, and is that license usable right now?
 */
export async function checkIntegrity(
  deps: IntegrityDeps,
  input: { token?: string | undefined; license_file?: string | undefined },
): Promise<IntegrityAnswer> {
  const { ctx } = deps;
  const kind = input.token !== undefined ? 'token' : 'license_file';
  const base = {
    kind,
    license_id: null,
    activation_id: null,
    kid: null,
    issued_at: null,
    expires_at: null,
  } as const;
  const fake = (code: IntegrityCode, reason: string): IntegrityAnswer => ({
    ...base,
    genuine: false,
    valid: false,
    code,
    reason,
  });

  if (input.token !== undefined) {
    const v = await deps.signing.verifyToken(input.token);
    if (!v.ok && v.code === 'TOKEN_INVALID') return fake('SIGNATURE_INVALID', v.reason);
    if (!v.ok) {
      const [, body] = input.token.split('.');
      const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString() || '{}');
      return {
        ...base,
        genuine: true,
        valid: false,
        code: 'TOKEN_EXPIRED',
        reason: v.reason,
        license_id: claims.license_id ?? null,
        activation_id: claims.activation_id ?? null,
        issued_at: iso(claims.iat),
        expires_at: iso(claims.exp),
      };
    }
    const c = v.claims;
    const facts = {
      license_id: c.license_id,
      activation_id: c.activation_id,
      kid: v.kid,
      issued_at: iso(c.iat),
      expires_at: iso(c.exp),
    };
    return {
      ...base,
      ...facts,
      genuine: true,
      ...(await currentState(deps, c.account_id, c.activation_id, c.license_id)),
    };
  }

  const file = parseLicenseFile(input.license_file ?? '');
  if (!file) return fake('MALFORMED', 'This is not a Keyward license file (see docs/offline-licensing.md)');
  const p = file.payload;
  if (typeof p.kid !== 'string' || typeof p.alg !== 'string')
    return fake('MALFORMED', 'The file names no key or algorithm');
  const verified = await deps.signing.verifyDetached(p.kid, p.alg, file.payloadBytes, file.signature);
  if (!verified.ok) return fake('SIGNATURE_INVALID', verified.reason);
  const facts = {
    license_id: p.license_id,
    activation_id: p.activation_id,
    kid: p.kid,
    issued_at: p.issued_at,
    expires_at: p.expires_at,
  };
  if (p.iss !== ctx.config.publicUrl || HEADER_FIELDS.some((f) => file.headers[f] !== String(p[f])))
    return {
      ...base,
      ...facts,
      genuine: false,
      valid: false,
      code: 'FILE_TAMPERED',
      reason: "The file's header does not match its signed payload",
    };
  if (Date.parse(p.expires_at) <= ctx.clock.now().getTime())
    return {
      ...base,
      ...facts,
      genuine: true,
      valid: false,
      code: 'FILE_EXPIRED',
      reason: 'The license file has expired; issue a new one',
    };
  return {
    ...base,
    ...facts,
    genuine: true,
    ...(await currentState(deps, verified.accountId, p.activation_id, p.license_id)),
  };
}

async function currentState(deps: IntegrityDeps, accountId: string, activationId: string, licenseId: string) {
  const snap = await deps.snapshots.get(accountId, activationId, licenseId);
  if (!snap)
    return { valid: false, code: 'LICENSE_NOT_FOUND' as const, reason: 'The license no longer exists' };
  const outcome = decideLicense({
    license: snap.license,
    seat: snap.activation,
    blocked: snap.blocked,
    request: {}, // the seat's own platform, version and host are still checked
    now: deps.ctx.clock.now(),
  });
  return { valid: outcome.valid, code: outcome.code as IntegrityCode, reason: outcome.reason };
}
