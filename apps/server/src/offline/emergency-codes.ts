import { findActivation } from '../activations/repository.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import { findLicense } from '../licenses/repository.js';
import { EMERGENCY_CODE_TTL_MS, EMERGENCY_SLOTS, emergencyCode } from './emergency-code.js';
import { countIssuedCodes, insertEmergencyCode, listIssuedCodes } from './repository.js';

/**
 * Staff issue the next unused emergency code of a seat. The seat row is locked while the slot is
 * chosen, and (activation, slot) is unique, so a slot is issued at most once.
 */
export async function issueEmergencyCode(
  ctx: AppContext,
  p: Principal,
  activationId: string,
  reason: string | undefined,
  meta: { ip: string; requestId: string },
) {
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + EMERGENCY_CODE_TTL_MS);
  const row = await ctx.db.tx(async (tx) => {
    const activation = await findActivation(tx, p.accountId, activationId, true);
    if (!activation) throw notFound('Activation');
    if (activation.status === 'blocked')
      throw new AppError('DEVICE_BLOCKED', 'This device is blocked; unblock it before issuing a code');
    const used = await countIssuedCodes(tx, activationId);
    if (used >= EMERGENCY_SLOTS)
      throw new AppError(
        'CONFLICT',
        `All ${EMERGENCY_SLOTS} emergency codes of this device have been issued; deactivate and activate it again for a fresh set`,
        { issued: used },
      );
    const created = await insertEmergencyCode(tx, {
      accountId: p.accountId,
      licenseId: activation.license_id,
      activationId,
      slot: used,
      reason: reason ?? null,
      issuedBy: p.actorId,
      expiresAt,
    });
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'emergency_code.issued',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'activation', id: activationId },
      ip: meta.ip,
      requestId: meta.requestId,
      data: {
        license_id: activation.license_id,
        slot: used,
        expires_at: expiresAt.toISOString(),
        reason: reason ?? null,
      },
    });
    return { ...created, license_id: activation.license_id };
  });
  return {
    id: row.id,
    code: emergencyCode(ctx.keyring, activationId, row.slot, row.expires_at),
    slot: row.slot,
    activation_id: activationId,
    license_id: row.license_id,
    expires_at: row.expires_at.toISOString(),
    created_at: row.created_at.toISOString(),
  };
}

/** Codes issued for a license's devices (never the codes themselves). */
export async function listEmergencyCodes(ctx: AppContext, accountId: string, licenseId: string) {
  if (!(await findLicense(ctx.db.sql, accountId, licenseId))) throw notFound('License');
  const rows = await listIssuedCodes(ctx.db.sql, accountId, licenseId);
  return rows.map((r) => ({
    ...r,
    expires_at: r.expires_at.toISOString(),
    redeemed_at: r.redeemed_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
  }));
}
