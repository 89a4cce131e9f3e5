import type { LeaseRenewer } from '../activations/lease-renewer.js';
import { findActiveSeat, findLiveSeatOfTenant, isDeviceBlocked } from '../activations/repository.js';
import type { SeatSnapshots, Snapshot } from '../activations/seat-snapshots.js';
import {
  type ActivateInput,
  activateDevice,
  type CallerFacts,
  deactivateActivation,
  deviceIdOf,
  fingerprintHash,
  reviveReleasedLease,
  type SeatDeps,
} from '../activations/service.js';
import { AppError } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { decideLicense, type Decision as Outcome, VALID } from '../licenses/decision.js';
import { normalizeLicenseKey } from '../licenses/keys.js';
import { publishLicenseChanged } from '../licenses/publish.js';
import { findLicenseByDigest } from '../licenses/repository.js';
import { startTermOnUse } from '../licenses/service.js';
import type { SigningKeys, TokenVerification } from '../signing/signing-keys.js';
import { issueActivationToken } from './activation-token.js';
import { licenseFacts } from './license-facts.js';
import type { UsageKind, UsageRecorder } from './usage-recorder.js';

/** The process parts the client API uses (built by the composition root, `app/parts.ts`). */
export interface LicensingDeps extends SeatDeps {
  signing: SigningKeys;
  snapshots: SeatSnapshots;
  usage: UsageRecorder;
  leases: LeaseRenewer;
}

type Caller = Pick<CallerFacts, 'ip' | 'country'>;

export type ValidationAnswer = Outcome &
  Partial<ReturnType<typeof licenseFacts>> & { activation_id?: string | null; validated_at: string };

function answer(
  deps: LicensingDeps,
  outcome: Outcome,
  snap?: Snapshot,
  withEntitlements = false,
): ValidationAnswer {
  const now = deps.ctx.clock.now();
  if (!snap)
    return {
      valid: outcome.valid,
      code: outcome.code,
      reason: outcome.reason,
      validated_at: now.toISOString(),
    };
  const facts = licenseFacts(snap.license, now, withEntitlements) as ValidationAnswer;
  facts.valid = outcome.valid;
  facts.code = outcome.code;
  facts.reason = outcome.reason;
  facts.activation_id = snap.activation.id;
  facts.validated_at = now.toISOString();
  return facts;
}

const tokenDeps = (deps: LicensingDeps) => ({
  keyring: deps.ctx.keyring,
  signing: deps.signing,
  now: deps.ctx.clock.now(),
});

/** POST /activate: a seat for this device (or its existing one), its signed token and the license facts. */
export async function activate(deps: LicensingDeps, input: ActivateInput, caller: CallerFacts) {
  const activated = await activateDevice(deps, input, caller);
  const result = { ...activated, license: await startTermOnUse(deps.ctx, activated.license, 'activation') };
  const signed = await issueActivationToken(tokenDeps(deps), result.license, result.activation);
  deps.usage.record({
    accountId: result.license.account_id,
    licenseId: result.license.id,
    activationId: result.activation.id,
    kind: 'activation',
    success: true,
    code: result.reused ? 'REACTIVATED' : 'ACTIVATED',
    ip: caller.ip,
    country: caller.country,
  });
  return {
    success: true as const,
    activation_id: result.activation.id,
    signed_token: signed.token,
    token_expires_at: signed.expires_at.toISOString(),
    device_id: result.activation.device_id,
    activations_used: result.seatsUsed,
    reused: result.reused,
    warnings: result.overLimit
      ? [
          {
            code: 'SEAT_OVERAGE' as const,
            message: `${result.seatsUsed} seats are in use, past this license's ${result.license.max_activations}; tell the license holder to add seats`,
          },
        ]
      : [],
    lease_expires_at: result.leaseExpiresAt?.toISOString() ?? null,
    ...licenseFacts(result.license, deps.ctx.clock.now()),
  };
}

type SeatClaims = { account_id: string; license_id: string; activation_id: string; device_id: string };
type Resolved = { outcome: Outcome; snap?: Snapshot };

/** The token's verdict read for this device: its seat's claims, or the outcome that ends here. */
function claimsFor(verified: TokenVerification, deviceId: string): SeatClaims | Resolved {
  if (!verified.ok) return { outcome: { valid: false, code: verified.code, reason: verified.reason } };
  const claims = verified.claims as SeatClaims;
  if (claims.device_id !== deviceId)
    return {
      outcome: { valid: false, code: 'DEVICE_MISMATCH', reason: 'The token was issued to another device' },
    };
  return claims;
}

/** The seat's outcome (the license decision), noted in the usage log. */
function judgeSeat(
  deps: LicensingDeps,
  snap: Snapshot | undefined,
  caller: Caller,
  kind: UsageKind,
): Resolved {
  if (!snap)
    return {
      outcome: {
        valid: false,
        code: 'LICENSE_NOT_FOUND',
        reason: 'The license of this token no longer exists',
      },
    };
  const outcome = decideLicense({
    license: snap.license,
    seat: snap.activation,
    blocked: snap.blocked,
    request: caller,
    now: deps.ctx.clock.now(),
  });
  deps.usage.record({
    accountId: snap.license.account_id,
    licenseId: snap.license.id,
    activationId: snap.activation.id,
    kind,
    success: outcome.valid,
    code: outcome.code,
    ip: caller.ip,
    country: caller.country,
  });
  return { outcome, snap };
}

/** Token → claims → snapshot → outcome. No database round trip when the snapshot is cached. */
async function resolveToken(
  deps: LicensingDeps,
  token: string,
  deviceId: string,
  caller: Caller,
  kind: UsageKind,
): Promise<Resolved> {
  const claims = claimsFor(await deps.signing.verifyToken(token), deviceId);
  if ('outcome' in claims) return claims;
  const snap = await deps.snapshots.get(claims.account_id, claims.activation_id, claims.license_id);
  return judgeSeat(deps, snap, caller, kind);
}

/** A validation's answer, once its token and seat are resolved. */
function validationAnswer(
  deps: LicensingDeps,
  { outcome, snap }: Resolved,
): ValidationAnswer | Promise<ValidationAnswer> {
  if (!snap || !outcome.valid) return answer(deps, outcome, snap);
  deps.usage.touch(snap.license.account_id, snap.activation.id, 'validation');
  if (snap.license.term_days === null) return answer(deps, outcome, snap);
  return startTermOnUse(deps.ctx, snap.license, 'validation').then((license) =>
    answer(deps, outcome, { ...snap, license }),
  );
}

/**
 * POST /validate: is this token's license valid on this device right now? When the token's verdict and
 * its seat are in this process's caches (an app validating again), the answer is returned as it is, not
 * as a promise: the four promises and their turns cost a validation a measurable share of its CPU
 * (performance.md, issue H 2026-12-06).
 */
export function validateToken(
  deps: LicensingDeps,
  token: string,
  deviceId: string,
  caller: Caller,
): ValidationAnswer | Promise<ValidationAnswer> {
  const verified = deps.signing.cachedVerdict(token);
  if (verified) {
    const claims = claimsFor(verified, deviceId);
    if ('outcome' in claims) return answer(deps, claims.outcome);
    const snap = deps.snapshots.cached(claims.activation_id, claims.license_id);
    if (snap) return validationAnswer(deps, judgeSeat(deps, snap, caller, 'validation'));
  }
  return resolveToken(deps, token, deviceId, caller, 'validation').then((r) => validationAnswer(deps, r));
}

/** POST /heartbeat: validate, keep the seat alive and merge usage metrics. */
export async function heartbeat(
  deps: LicensingDeps,
  token: string,
  deviceId: string,
  metrics: Record<string, unknown> | undefined,
  caller: Caller,
) {
  const resolved = await resolveToken(deps, token, deviceId, caller, 'heartbeat');
  const { snap } = resolved;
  let { outcome } = resolved;
  if (snap && snap.license.effective_policy.seat_unit === 'leases') {
    if (outcome.valid) outcome = await renewSeatLease(deps, snap);
    // Released: within the policy's revival window the device may take its lease back.
    else if (
      outcome.code === 'LEASE_EXPIRED' &&
      (await reviveReleasedLease(deps.ctx, snap.license, snap.activation.id))
    )
      outcome = VALID;
  }
  if (snap && outcome.valid)
    deps.usage.touch(snap.license.account_id, snap.activation.id, 'heartbeat', metrics);
  return {
    ...answer(deps, outcome, snap),
    next_heartbeat_seconds: snap?.license.effective_policy.heartbeat_interval_seconds ?? 3600,
  };
}

/** A heartbeat on a floating license renews its lease; a lease already released is refused. */
async function renewSeatLease(deps: LicensingDeps, snap: Snapshot): Promise<Outcome> {
  const now = deps.ctx.clock.now();
  const until = new Date(now.getTime() + snap.license.effective_policy.lease_minutes * 60_000);
  if (await deps.leases.renew({ activationId: snap.activation.id, until })) return VALID;
  // Released: within the policy's revival window the device may take its lease back.
  if (await reviveReleasedLease(deps.ctx, snap.license, snap.activation.id)) return VALID;
  // Released elsewhere (a sweep, another device's checkout): no process may keep answering for it.
  await publishLicenseChanged(deps.ctx, snap.license.account_id, {
    license_id: snap.license.id,
    event: 'lease.released',
  });
  return {
    valid: false,
    code: 'LEASE_EXPIRED',
    reason: "This device's floating seat was released after its lease lapsed; check out a seat again",
  };
}

/** POST /refresh: a new token for a live seat. An invalid seat is refused with its code. */
export async function refreshToken(deps: LicensingDeps, token: string, deviceId: string, caller: Caller) {
  const { outcome, snap } = await resolveToken(deps, token, deviceId, caller, 'validation');
  if (!snap || !outcome.valid)
    throw new AppError(
      outcome.code === 'TOKEN_EXPIRED' ? 'TOKEN_EXPIRED' : 'LICENSE_INVALID',
      outcome.reason,
      { code: outcome.code },
    );
  const signed = await issueActivationToken(tokenDeps(deps), snap.license, snap.activation);
  return { ...answer(deps, outcome, snap), signed_token: signed.token, token_expires_at: signed.expires_at };
}

/** POST /validate-key: for apps without a token; with a device, also checks that it holds a seat. */
export async function validateKey(
  deps: LicensingDeps,
  input: { license_key: string; device_fingerprint?: string | undefined; device_id?: string | undefined },
  caller: Caller,
): Promise<ValidationAnswer> {
  const { ctx } = deps;
  const license = await findLicenseByDigest(
    ctx.db.sql,
    digestSecret(ctx.keyring, normalizeLicenseKey(input.license_key)),
  );
  if (!license)
    return answer(deps, { valid: false, code: 'LICENSE_NOT_FOUND', reason: 'No license matches this key' });
  let seat = null;
  let blocked = false;
  if (input.device_fingerprint || input.device_id) {
    const deviceId = input.device_id ?? deviceIdOf(ctx, { device_fingerprint: input.device_fingerprint! });
    seat = (await findActiveSeat(ctx.db.sql, license.id, deviceId)) ?? null;
    if (!seat) {
      const fp = input.device_fingerprint ? fingerprintHash(ctx, input.device_fingerprint) : null;
      blocked = await isDeviceBlocked(ctx.db.sql, license.account_id, deviceId, fp);
    }
  }
  let outcome = decideLicense({ license, seat, blocked, request: caller, now: ctx.clock.now() });
  if (outcome.valid && (input.device_fingerprint || input.device_id) && !seat) {
    outcome = {
      valid: false,
      code: 'DEVICE_NOT_ACTIVATED',
      reason: 'This device has no seat on the license; activate it first',
    };
  }
  deps.usage.record({
    accountId: license.account_id,
    licenseId: license.id,
    activationId: seat?.id ?? null,
    kind: 'validation',
    success: outcome.valid,
    code: outcome.code,
    ip: caller.ip,
    country: caller.country,
  });
  const now = ctx.clock.now();
  const used = outcome.valid ? await startTermOnUse(ctx, license, 'validation') : license;
  return {
    ...outcome,
    ...licenseFacts(used, now),
    activation_id: seat?.id ?? null,
    validated_at: now.toISOString(),
  };
}

/** POST /deactivate by the app: the token proves the seat; the seat is freed. */
export async function deactivateByToken(
  deps: LicensingDeps,
  token: string,
  deviceId: string,
  caller: CallerFacts,
) {
  const verified = await deps.signing.verifyToken(token);
  if (!verified.ok) throw new AppError(verified.code, verified.reason);
  const claims = verified.claims as { account_id: string; activation_id: string; device_id: string };
  if (claims.device_id !== deviceId)
    throw new AppError('DEVICE_MISMATCH', 'The token was issued to another device');
  const row = await deactivateActivation(deps.ctx, claims.account_id, claims.activation_id, {
    actor: { type: 'activation', id: claims.activation_id },
    reason: 'deactivated_by_device',
    ip: caller.ip,
    requestId: caller.requestId,
  });
  deps.usage.record({
    accountId: row.account_id,
    licenseId: row.license_id,
    activationId: row.id,
    kind: 'deactivation',
    success: true,
    code: 'DEACTIVATED',
    ip: caller.ip,
    country: caller.country,
  });
  return { success: true, activation_id: row.id, status: row.status, deactivated_at: row.deactivated_at };
}

/**
 * POST /sync (seed 000): the current license state of a device. With the device's token the answer is
 * the full license state; without one (seed 000's desktop client sends only the device id and the tenant,
 * i.e. customer, id, neither of them a secret) it is the verdict and the subscription's standing (tier,
 * status, expiry, grace), leaving out the license's id, features, limits and entitlements.
 */
export async function syncDevice(
  deps: LicensingDeps,
  input: { device_id: string; tenant_id: string; token?: string | undefined },
  caller: Caller,
) {
  const { ctx } = deps;
  if (input.token) {
    const { outcome, snap } = await resolveToken(deps, input.token, input.device_id, caller, 'sync');
    return {
      success: outcome.valid,
      ...answer(deps, outcome, snap, true),
      synced_at: ctx.clock.now().toISOString(),
    };
  }
  const seat = await findLiveSeatOfTenant(ctx.db.sql, input.device_id, input.tenant_id);
  const snap = seat && (await deps.snapshots.get(seat.account_id, seat.id, seat.license_id));
  const outcome: Outcome = snap
    ? decideLicense({
        license: snap.license,
        seat: snap.activation,
        blocked: snap.blocked,
        request: caller,
        now: ctx.clock.now(),
      })
    : { valid: false, code: 'DEVICE_NOT_ACTIVATED', reason: 'No active seat for this device and tenant' };
  if (seat)
    deps.usage.record({
      accountId: seat.account_id,
      licenseId: seat.license_id,
      activationId: seat.id,
      kind: 'sync',
      success: outcome.valid,
      code: outcome.code,
      ip: caller.ip,
      country: caller.country,
    });
  const standing = snap && licenseFacts(snap.license, ctx.clock.now(), false);
  return {
    success: outcome.valid,
    ...answer(deps, outcome),
    ...(standing && {
      subscription_tier: standing.subscription_tier,
      tier_name: standing.tier_name,
      status: standing.status,
      expires_at: standing.expires_at,
      days_remaining: standing.days_remaining,
      is_in_grace_period: standing.is_in_grace_period,
      grace_ends_at: standing.grace_ends_at,
      tenant_id: standing.tenant_id,
    }),
    synced_at: ctx.clock.now().toISOString(),
  };
}
