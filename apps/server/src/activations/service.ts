import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, type ErrorCode, notFound } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { eventRow, recordEvent } from '../events/record.js';
import type { LicenseCache } from '../licenses/cache.js';
import { decideLicense, type RequestFacts } from '../licenses/decision.js';
import { publishLicenseChanged } from '../licenses/publish.js';
import type { LicenseWithPlan } from '../licenses/repository.js';
import { findLicense } from '../licenses/repository.js';
import { seatCeiling, seatWeight } from '../policies/policy.js';
import {
  type ActivationRow,
  endSeat,
  findActivation,
  insertDeviceBlock,
  listActivations,
  releaseLapsedLeases,
  reviveLease,
  type SeatOutcome,
} from './repository.js';
import type { SeatBatcher } from './seat-batcher.js';

export interface DeviceInfo {
  device_id?: string | undefined;
  platform?: string | undefined;
  app_version?: string | undefined;
  machine_name?: string | undefined;
  hostname?: string | undefined;
  os?: string | Record<string, unknown> | undefined;
  os_version?: string | undefined;
  cpu_cores?: number | undefined;
  [extra: string]: unknown;
}

export interface ActivateInput {
  license_key: string;
  device_fingerprint: string;
  device_info?: DeviceInfo | undefined;
  metadata?: Record<string, unknown> | undefined;
  activation_type?: 'online' | 'offline' | 'emergency';
  /** Named-user licenses: the assigned user this device is for. */
  user?: string | undefined;
}

export interface CallerFacts {
  ip: string;
  country: string | null;
  user_agent: string | null;
  requestId: string;
}

const KNOWN_DEVICE_FIELDS: ReadonlySet<string> = new Set([
  'components',
  'device_id',
  'platform',
  'app_version',
  'machine_name',
  'hostname',
  'os',
  'os_version',
  'cpu_cores',
]);

/** The seat's `os` column: the app's text, or "name version" of an object (the whole object is kept in metadata). */
function osText(os: DeviceInfo['os']): string | null {
  if (os === undefined || os === null) return null;
  if (typeof os === 'string') return os;
  const parts = [os.name ?? os.platform ?? os.type, os.version ?? os.release].filter(
    (p) => typeof p === 'string',
  );
  return (parts.length ? parts.join(' ') : JSON.stringify(os)).slice(0, 100);
}

const UNIQUE_SCOPE = { per_license: null, per_product: 'product', per_account: 'account' } as const;

const numberOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Digests of the hardware components an app reports (`device_info.components`: name → identifier, e.g.
 * disk serial, board id, MAC), so a machine whose fingerprint changed can still be recognised; only
 * digests are stored.
 */
function componentDigests(ctx: AppContext, components: unknown): Record<string, string> | null {
  if (!components || typeof components !== 'object' || Array.isArray(components)) return null;
  const digests: Record<string, string> = {};
  for (const [name, value] of Object.entries(components).slice(0, 16))
    if (typeof value === 'string' && value)
      digests[name.slice(0, 64)] = digestSecret(ctx.keyring, `component:${name}:${value}`);
  return Object.keys(digests).length ? digests : null;
}

/** What an activating app says about itself, as the license decision reads it. */
export function requestFacts(caller: Pick<CallerFacts, 'ip' | 'country'>, info: DeviceInfo): RequestFacts {
  return {
    ip: caller.ip,
    country: caller.country,
    platform: info.platform,
    app_version: info.app_version,
    hostname: info.hostname,
    build_date: typeof info.build_date === 'string' ? info.build_date : null,
  };
}

export function fingerprintHash(ctx: AppContext, fingerprint: string): string {
  return digestSecret(ctx.keyring, `fp:${fingerprint}`);
}

/** The device id a seat is keyed by: the app's own id, else one derived from the fingerprint. */
export function deviceIdOf(
  ctx: AppContext,
  input: { device_fingerprint: string; device_info?: DeviceInfo | undefined },
): string {
  return input.device_info?.device_id ?? `fp_${fingerprintHash(ctx, input.device_fingerprint).slice(0, 24)}`;
}

export interface ActivationResult {
  license: LicenseWithPlan;
  /** The seat taken (or found again): what the token and the response name. */
  activation: Pick<ActivationRow, 'id' | 'device_id'>;
  reused: boolean;
  seatsUsed: number;
  /** The seat was taken past the license's limit, within its policy's overage. */
  overLimit: boolean;
  /** Floating licenses: the lease's end. */
  leaseExpiresAt: Date | null;
}

const STALE_RETRIES = 5;

/** An event the license itself causes on one of its seats (the client API has no staff actor). */
function seatEvent(
  license: LicenseWithPlan,
  type: string,
  seatId: string,
  caller: CallerFacts,
  data: Record<string, unknown>,
) {
  return {
    accountId: license.account_id,
    type,
    actor: { type: 'license' as const, id: license.id },
    subject: { type: 'activation', id: seatId },
    ip: caller.ip,
    requestId: caller.requestId,
    data: { license_id: license.id, ...data },
  };
}

/** The process parts activation uses (built by the composition root). */
export interface SeatDeps {
  ctx: AppContext;
  licenses: LicenseCache;
  seats: SeatBatcher;
}

/**
 * Takes a seat on a license for a device. The license's state, dates and restrictions are checked on
 * the process's cached copy (`deps.licenses`); `keyward_take_seats` (migration 0010, through
 * `deps.seats`, which batches concurrent activations) then locks the license row, checks that its
 * version is still the one checked, reads its live-seat counter and inserts the seat and its event,
 * committing before this returns. A license changed since it was cached answers 'stale' and is read
 * again. A unique index allows one live seat per device, so the limit holds across any number of
 * processes. The same device again gets its existing seat back (idempotent).
 */
export async function activateDevice(
  deps: SeatDeps,
  input: ActivateInput,
  caller: CallerFacts,
): Promise<ActivationResult> {
  const { ctx } = deps;
  const deviceId = deviceIdOf(ctx, input);
  const info = input.device_info ?? {};
  const extras = Object.fromEntries(Object.entries(info).filter(([k]) => !KNOWN_DEVICE_FIELDS.has(k)));
  if (info.os && typeof info.os === 'object') extras.os_detail = info.os;
  const now = ctx.clock.now();
  const activation = {
    device_id: deviceId,
    fingerprint_hash: fingerprintHash(ctx, input.device_fingerprint),
    machine_name: info.machine_name ?? null,
    hostname: info.hostname ?? null,
    platform: info.platform ?? null,
    os: osText(info.os),
    os_version: info.os_version ?? null,
    app_version: info.app_version ?? null,
    cpu_cores: info.cpu_cores ?? null,
    ip: caller.ip,
    country: caller.country,
    user_agent: caller.user_agent,
    activation_type: input.activation_type ?? 'online',
    activated_at: now,
    last_heartbeat_at: now,
    metadata: { ...extras, ...(input.metadata ?? {}) },
  };

  for (let attempt = 1; attempt <= STALE_RETRIES; attempt++) {
    const license = await deps.licenses.byKey(input.license_key, attempt > 1);
    if (!license) throw new AppError('LICENSE_NOT_FOUND', 'No license matches this key; check it for typos');
    const decision = decideLicense({ license, request: requestFacts(caller, info), now });
    if (!decision.valid)
      throw new AppError(decision.code as ErrorCode, decision.reason, {
        license_status: license.status,
        ...decision.detail,
      });

    const policy = license.effective_policy;
    const named = policy.seat_unit === 'named_users';
    if (named && !input.user)
      throw new AppError(
        'MISSING_FIELD',
        "This license's seats are named users: send `user`, the email or id your administrator assigned",
        { pointer: '/body/user' },
      );
    const seats = seatWeight(policy, { cpu_cores: info.cpu_cores, cpu_sockets: numberOr(info.cpu_sockets) });
    const leaseUntil =
      policy.seat_unit === 'leases' ? new Date(now.getTime() + policy.lease_minutes * 60_000) : null;
    const activationId = randomUUID();
    const event = eventRow(
      seatEvent(license, 'activation.created', activationId, caller, {
        device_id: deviceId,
        platform: info.platform ?? null,
        max_activations: license.max_activations,
        seats,
      }),
    );
    let seat: SeatOutcome;
    try {
      seat = await deps.seats.take({
        account_id: license.account_id,
        license_id: license.id,
        version: license.version,
        seats,
        // Named users: the users are the seats (limited when staff assign them); devices per user here.
        ceiling: named ? null : seatCeiling(policy, license.max_activations),
        user_ref: named ? input.user! : null,
        user_devices: named ? policy.devices_per_user : null,
        unique_scope: UNIQUE_SCOPE[policy.device_uniqueness],
        product_id: license.product_id,
        components: componentDigests(ctx, info.components),
        match_components: policy.device_matching === 'components' ? policy.components_required : null,
        lease_until: leaseUntil,
        at: now,
        activation: { ...activation, id: activationId },
        event,
      });
    } catch (err) {
      // The license lock orders seat takers, so the one-live-seat index should never fire; if it does,
      // the other request's seat exists now and the next attempt finds it.
      if ((err as { code?: string }).code === '23505') continue;
      throw err;
    }
    // Leases released for this seat: every process drops what it cached of them.
    if (seat.released > 0)
      await publishLicenseChanged(ctx, license.account_id, {
        license_id: license.id,
        event: 'lease.released',
      });
    switch (seat.outcome) {
      case 'stale':
        continue; // the license changed after it was read: check it again
      case 'gone':
        throw new AppError('LICENSE_NOT_FOUND', 'No license matches this key; check it for typos');
      case 'blocked':
        throw new AppError(
          'DEVICE_BLOCKED',
          'This device is blocked from activating licenses of this vendor',
        );
      case 'fingerprint_mismatch':
        await refuseOtherMachine(ctx, license, seat.activation_id!, deviceId, caller);
        break;
      case 'device_taken':
        throw new AppError(
          'DEVICE_ALREADY_ACTIVATED',
          `This device already holds a seat of another license of this ${policy.device_uniqueness === 'per_product' ? 'product' : 'vendor'}; deactivate it there first`,
          { device_uniqueness: policy.device_uniqueness },
        );
      case 'user_not_assigned':
        throw new AppError(
          'LICENSE_USER_NOT_ASSIGNED',
          `${input.user} is not a user of this license; ask your administrator to assign you a seat`,
        );
      case 'user_device_limit':
        throw new AppError(
          'ACTIVATION_LIMIT_REACHED',
          `${input.user} already uses ${policy.devices_per_user} device(s) on this license; deactivate one first`,
          { devices_per_user: policy.devices_per_user },
        );
      case 'limit':
        throw new AppError(
          'ACTIVATION_LIMIT_REACHED',
          `This license allows ${seat.max_activations} seat(s) and ${seat.seats_used} are in use` +
            `${seats > 1 ? `; this device needs ${seats}` : ''}: deactivate a device first`,
          { max_activations: seat.max_activations, active_activations: seat.seats_used, seats_needed: seats },
        );
      default:
        if (seat.outcome === 'created_over')
          await recordEvent(
            ctx.db.sql,
            seatEvent(license, 'license.overage', seat.activation_id!, caller, {
              seats_used: seat.seats_used,
              max_activations: license.max_activations,
              overage: policy.overage,
            }),
          );
        return {
          license,
          activation: { id: seat.activation_id!, device_id: deviceId },
          reused: seat.outcome === 'reused',
          seatsUsed: seat.seats_used,
          overLimit: seat.outcome === 'created_over',
          leaseExpiresAt: leaseUntil,
        };
    }
  }
  throw new AppError(
    'CONCURRENT_UPDATE',
    'The license kept changing while the seat was taken; retry the request',
  );
}

/**
 * Another machine (another fingerprint) sent a device id that already holds a seat: a copied id or a
 * cloned disk. The seat stays its first machine's; the refusal is recorded for the vendor to see.
 */
async function refuseOtherMachine(
  ctx: AppContext,
  license: LicenseWithPlan,
  seatId: string,
  deviceId: string,
  caller: CallerFacts,
): Promise<never> {
  await recordEvent(
    ctx.db.sql,
    seatEvent(license, 'activation.fingerprint_mismatch', seatId, caller, { device_id: deviceId }),
  );
  throw new AppError(
    'FINGERPRINT_MISMATCH',
    'This device id already holds a seat on another machine; deactivate that seat to move the license here',
    { activation_id: seatId },
  );
}

/** Frees a seat. `by` says who: the app itself (with its token) or staff. */
export async function deactivateActivation(
  ctx: AppContext,
  accountId: string,
  activationId: string,
  by: {
    actor: { type: 'user' | 'api_key' | 'license' | 'activation' | 'customer' | 'system'; id: string };
    reason: string;
    ip: string;
    requestId: string;
  },
): Promise<ActivationRow> {
  const row = await ctx.db.tx(async (tx) => {
    const current = await findActivation(tx, accountId, activationId, true);
    if (!current) throw notFound('Activation');
    if (current.status !== 'active') {
      throw new AppError('INVALID_STATE_TRANSITION', `The activation is already ${current.status}`, {
        status: current.status,
      });
    }
    const updated = await endSeat(tx, activationId, 'deactivated', ctx.clock.now(), by.reason);
    await recordEvent(tx, {
      accountId,
      type: 'activation.deactivated',
      actor: by.actor,
      subject: { type: 'activation', id: activationId },
      ip: by.ip,
      requestId: by.requestId,
      data: { license_id: current.license_id, device_id: current.device_id, reason: by.reason },
    });
    return updated;
  });
  await publishLicenseChanged(ctx, accountId, {
    license_id: row.license_id,
    event: 'activation.deactivated',
    activation_id: row.id,
  });
  return row;
}

/** Blocks the device of an activation: its seat ends and the device id + fingerprint cannot activate again. */
export async function blockActivationDevice(
  ctx: AppContext,
  p: Principal,
  activationId: string,
  reason: string,
  meta: { ip: string; requestId: string },
) {
  const row = await ctx.db.tx(async (tx) => {
    const current = await findActivation(tx, p.accountId, activationId, true);
    if (!current) throw notFound('Activation');
    await insertDeviceBlock(tx, p.accountId, current, reason, p.actorId);
    const updated = await endSeat(tx, activationId, 'blocked', ctx.clock.now(), `blocked: ${reason}`);
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'activation.blocked',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'activation', id: activationId },
      ip: meta.ip,
      requestId: meta.requestId,
      data: { license_id: current.license_id, device_id: current.device_id, reason },
    });
    return updated;
  });
  await publishLicenseChanged(ctx, p.accountId, {
    license_id: row.license_id,
    event: 'activation.blocked',
    activation_id: row.id,
  });
  return row;
}

/**
 * Releases the floating leases nobody renewed in time, and tells every process which licenses changed
 * (their seat snapshots must not answer for a released lease).
 */
export async function sweepLapsedLeases(ctx: AppContext, accountId: string | null = null): Promise<number> {
  const released = await releaseLapsedLeases(ctx.db.sql, ctx.clock.now(), accountId);
  const licenses = new Map(released.map((r) => [r.license_id, r.account_id]));
  for (const [licenseId, accountId] of licenses)
    await publishLicenseChanged(ctx, accountId, { license_id: licenseId, event: 'lease.released' });
  return released.length;
}

/**
 * A device whose floating lease lapsed and was released comes back within the policy's revival window:
 * it takes its lease back if the license has room. Every process is told (their snapshots said released).
 */
export async function reviveReleasedLease(
  ctx: AppContext,
  license: LicenseWithPlan,
  activationId: string,
): Promise<Date | null> {
  const policy = license.effective_policy;
  if (policy.lease_revival_minutes <= 0) return null;
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + policy.lease_minutes * 60_000);
  const revived = await ctx.db.tx((tx) =>
    reviveLease(tx, {
      activationId,
      licenseId: license.id,
      releasedSince: new Date(now.getTime() - policy.lease_revival_minutes * 60_000),
      until,
      at: now,
      ceiling: seatCeiling(policy, license.max_activations),
    }),
  );
  if (!revived) return null;
  await publishLicenseChanged(ctx, license.account_id, { license_id: license.id, event: 'lease.revived' });
  return until;
}

type SeatFilter = Parameters<typeof listActivations>[2];

/** A page of the account's seats (rows plus one look-ahead row): the devices monitor. */
export function listSeats(ctx: AppContext, accountId: string, filter: SeatFilter) {
  return listActivations(ctx.db.sql, accountId, filter);
}

/** A page of one license's seats; 404 when the license is not the account's. */
export async function listSeatsOfLicense(
  ctx: AppContext,
  accountId: string,
  licenseId: string,
  filter: SeatFilter,
) {
  if (!(await findLicense(ctx.db.sql, accountId, licenseId))) throw notFound('License');
  return listActivations(ctx.db.sql, accountId, { ...filter, license_id: licenseId });
}

export async function getActivation(ctx: AppContext, accountId: string, id: string) {
  const row = await findActivation(ctx.db.sql, accountId, id);
  if (!row) throw notFound('Activation');
  return row;
}
