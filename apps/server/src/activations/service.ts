import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { digestSecret } from '../crypto/master-key.js';
import type { TxSql } from '../db/database.js';
import { recordEvent } from '../events/record.js';
import { AppError, type ErrorCode, notFound } from '../http/errors.js';
import { licenseTiming } from '../licenses/evaluate.js';
import { normalizeLicenseKey } from '../licenses/keys.js';
import { publishLicenseChanged } from '../licenses/publish.js';
import { findLicenseByDigest, type LicenseWithPlan } from '../licenses/repository.js';
import { checkRestrictions, type Restriction } from '../restrictions/check.js';
import { type ActivationRow, findActivation, seatState } from './repository.js';

export interface DeviceInfo {
  device_id?: string | undefined;
  platform?: string | undefined;
  app_version?: string | undefined;
  machine_name?: string | undefined;
  hostname?: string | undefined;
  os?: string | undefined;
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
}

export interface CallerFacts {
  ip: string;
  country: string | null;
  user_agent: string | null;
  requestId: string;
}

const KNOWN_DEVICE_FIELDS = new Set([
  'device_id',
  'platform',
  'app_version',
  'machine_name',
  'hostname',
  'os',
  'os_version',
  'cpu_cores',
]);

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

/** Why a license cannot take a new seat or be used, as a client-API error code; null when usable. */
export function licenseRefusal(
  license: LicenseWithPlan,
  now: Date,
): { code: ErrorCode; message: string } | null {
  const timing = licenseTiming(license, now);
  switch (timing.status) {
    case 'revoked':
      return { code: 'LICENSE_REVOKED', message: 'This license has been revoked' };
    case 'suspended':
      return {
        code: 'LICENSE_SUSPENDED',
        message: `This license is suspended${license.status_reason ? `: ${license.status_reason}` : ''}`,
      };
    case 'expired':
      return {
        code: 'LICENSE_EXPIRED',
        message: 'This license has expired and its grace period is over; renew it',
      };
    case 'pending':
      return { code: 'LICENSE_INACTIVE', message: 'This license is not active yet' };
  }
  if (license.starts_at > now)
    return { code: 'LICENSE_INACTIVE', message: `This license starts on ${license.starts_at.toISOString()}` };
  return null;
}

export interface ActivationResult {
  license: LicenseWithPlan;
  activation: ActivationRow;
  reused: boolean;
  seatsUsed: number;
}

/**
 * Takes a seat on a license for a device. The license row is locked while seats are counted, and a
 * unique index allows one live seat per device, so the limit holds across any number of processes.
 * The same device again gets its existing seat back (idempotent).
 */
export async function activateDevice(
  ctx: AppContext,
  input: ActivateInput,
  caller: CallerFacts,
): Promise<ActivationResult> {
  const digest = digestSecret(ctx.keyring, normalizeLicenseKey(input.license_key));
  const deviceId = deviceIdOf(ctx, input);
  const fpHash = fingerprintHash(ctx, input.device_fingerprint);
  const info = input.device_info ?? {};
  const extras = Object.fromEntries(Object.entries(info).filter(([k]) => !KNOWN_DEVICE_FIELDS.has(k)));
  const now = ctx.clock.now();

  const run = (tx: TxSql): Promise<ActivationResult> => activateInTx(tx);
  async function activateInTx(tx: TxSql): Promise<ActivationResult> {
    const license = await findLicenseByDigest(tx, digest, true);
    if (!license) throw new AppError('LICENSE_NOT_FOUND', 'No license matches this key; check it for typos');
    const refusal = licenseRefusal(license, now);
    if (refusal) throw new AppError(refusal.code, refusal.message, { license_status: license.status });
    const seats = await seatState(tx, license.id, license.account_id, deviceId, fpHash);
    if (seats.blocked) {
      throw new AppError('DEVICE_BLOCKED', 'This device is blocked from activating licenses of this vendor');
    }
    const violation = checkRestrictions(license.restrictions as Restriction[], {
      ip: caller.ip,
      country: caller.country,
      platform: info.platform,
      app_version: info.app_version,
      hostname: info.hostname,
    });
    if (violation)
      throw new AppError('RESTRICTION_VIOLATION', violation.reason, { restriction: violation.type });

    if (seats.existing_id) {
      const [row] = await tx<ActivationRow[]>`
        update activations set app_version = coalesce(${info.app_version ?? null}, app_version), ip = ${caller.ip},
          last_heartbeat_at = ${now}, updated_at = now() where id = ${seats.existing_id} returning *`;
      return { license, activation: row!, reused: true, seatsUsed: seats.seats_used };
    }
    const used = seats.seats_used;
    if (license.max_activations !== null && used >= license.max_activations) {
      throw new AppError(
        'ACTIVATION_LIMIT_REACHED',
        `This license allows ${license.max_activations} device(s) and all are in use; deactivate one first`,
        { max_activations: license.max_activations, active_activations: used },
      );
    }
    // The seat and its event are sent together (pipelined on the transaction's connection).
    const activationId = randomUUID();
    const [[row]] = await Promise.all([
      tx<ActivationRow[]>`
      insert into activations (id, account_id, license_id, device_id, fingerprint_hash, machine_name, hostname, platform, os, os_version,
        app_version, cpu_cores, ip, country, user_agent, activation_type, activated_at, last_heartbeat_at, metadata)
      values (${activationId}, ${license.account_id}, ${license.id}, ${deviceId}, ${fpHash}, ${info.machine_name ?? null}, ${info.hostname ?? null},
        ${info.platform ?? null}, ${info.os ?? null}, ${info.os_version ?? null}, ${info.app_version ?? null}, ${info.cpu_cores ?? null},
        ${caller.ip}, ${caller.country}, ${caller.user_agent}, ${input.activation_type ?? 'online'}, ${now}, ${now},
        ${tx.json({ ...extras, ...(input.metadata ?? {}) } as never)})
      returning *`,
      recordEvent(tx, {
        accountId: license.account_id,
        type: 'activation.created',
        actor: { type: 'license', id: license.id },
        subject: { type: 'activation', id: activationId },
        ip: caller.ip,
        requestId: caller.requestId,
        data: {
          license_id: license.id,
          device_id: deviceId,
          platform: info.platform ?? null,
          seats_used: used + 1,
        },
      }),
    ]);
    return { license, activation: row!, reused: false, seatsUsed: used + 1 };
  }

  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.tx(run);
    } catch (err) {
      // Two first activations of one device race past the lookup: the unique index stops the second,
      // which then finds the seat the first created.
      if ((err as { code?: string }).code === '23505' && attempt < 3) continue;
      throw err;
    }
  }
}

/** Frees a seat. `by` says who: the app itself (with its token) or staff. */
export async function deactivateActivation(
  ctx: AppContext,
  accountId: string,
  activationId: string,
  by: {
    actor: { type: 'user' | 'api_key' | 'license' | 'activation' | 'customer'; id: string };
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
    const [updated] = await tx<ActivationRow[]>`
      update activations set status = 'deactivated', deactivated_at = ${ctx.clock.now()}, deactivation_reason = ${by.reason}, updated_at = now()
      where id = ${activationId} returning *`;
    await recordEvent(tx, {
      accountId,
      type: 'activation.deactivated',
      actor: by.actor,
      subject: { type: 'activation', id: activationId },
      ip: by.ip,
      requestId: by.requestId,
      data: { license_id: current.license_id, device_id: current.device_id, reason: by.reason },
    });
    return updated!;
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
    await tx`insert into device_blocks (account_id, device_id, fingerprint_hash, reason, created_by)
      values (${p.accountId}, ${current.device_id}, ${current.fingerprint_hash}, ${reason}, ${p.actorId})`;
    const [updated] = await tx<ActivationRow[]>`
      update activations set status = 'blocked', deactivated_at = coalesce(deactivated_at, ${ctx.clock.now()}),
        deactivation_reason = ${`blocked: ${reason}`}, updated_at = now()
      where id = ${activationId} returning *`;
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'activation.blocked',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'activation', id: activationId },
      ip: meta.ip,
      requestId: meta.requestId,
      data: { license_id: current.license_id, device_id: current.device_id, reason },
    });
    return updated!;
  });
  await publishLicenseChanged(ctx, p.accountId, {
    license_id: row.license_id,
    event: 'activation.blocked',
    activation_id: row.id,
  });
  return row;
}
