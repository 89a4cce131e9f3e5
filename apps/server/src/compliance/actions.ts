import { blockDevice } from '../activations/device-blocks.js';
import { blockActivationDevice } from '../activations/service.js';
import { authorize } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import { transitionLicense } from '../licenses/service.js';
import { queueDirectEmail } from '../mail/repository.js';
import * as repo from './repository.js';
import type { ViolationRow } from './schemas.js';
import { getViolation, type Meta } from './service.js';

/**
 * What staff do about a violation, through the modules that own it: the license's suspension, the device
 * block, the customer's email. Each asks the role table for its own action too (suspending needs
 * licenses:write, blocking devices:block), so compliance:write alone does not widen a role.
 */
const result = (
  violation: ViolationRow,
  action: 'suspend_license' | 'block_device' | 'notify_customer',
  ids: { license_id?: string; activation_id?: string; device_block_id?: string; email_id?: string },
) => ({
  violation,
  action,
  license_id: ids.license_id ?? null,
  activation_id: ids.activation_id ?? null,
  device_block_id: ids.device_block_id ?? null,
  email_id: ids.email_id ?? null,
});

const because = (v: ViolationRow, reason: string | undefined) =>
  `${reason?.trim() || `Compliance: ${v.type.replace('_', ' ')}`} (violation ${v.id})`;

/** Suspends the violation's license (the licenses module's suspension: its event, email and push). */
export async function suspendLicenseFor(
  ctx: AppContext,
  p: Principal,
  id: string,
  reason: string | undefined,
  meta: Meta,
) {
  const v = await getViolation(ctx, p.accountId, id);
  authorize(p, 'licenses:write');
  if (!v.license_id)
    throw new AppError('CONFLICT', 'This violation names no license to suspend', { violation_id: v.id });
  const license = await transitionLicense(ctx, p, v.license_id, 'suspend', because(v, reason), meta);
  return result(v, 'suspend_license', { license_id: license.id });
}

/**
 * Blocks the violation's device: with its live seat on the license, the seat ends and the device is
 * blocked (as POST /activations/:id/block); without one, the device id is blocked (as POST /device-blocks).
 */
export async function blockDeviceFor(
  ctx: AppContext,
  p: Principal,
  id: string,
  reason: string | undefined,
  meta: Meta,
) {
  const v = await getViolation(ctx, p.accountId, id);
  authorize(p, 'devices:block');
  if (!v.device_id)
    throw new AppError(
      'CONFLICT',
      `A ${v.type} violation is about a license, not one device: suspend the license, or block devices from its seats (GET /api/v1/licenses/${v.license_id}/activations)`,
      { violation_id: v.id, type: v.type },
    );
  const seat = v.license_id
    ? await repo.liveSeatOfDevice(ctx.db.sql, p.accountId, v.license_id, v.device_id)
    : undefined;
  if (seat) {
    await blockActivationDevice(ctx, p, seat, because(v, reason), meta);
    return result(v, 'block_device', {
      ...(v.license_id ? { license_id: v.license_id } : {}),
      activation_id: seat,
    });
  }
  const block = await blockDevice(ctx, p, { device_id: v.device_id, reason: because(v, reason) }, meta);
  return result(v, 'block_device', { device_block_id: block.id });
}

/** Emails the violation's customer a notice (template compliance.customer_notified), with its event. */
export async function notifyCustomerFor(
  ctx: AppContext,
  p: Principal,
  id: string,
  message: string | undefined,
  meta: Meta,
) {
  const v = await getViolation(ctx, p.accountId, id);
  if (!v.customer_id)
    throw new AppError('CONFLICT', "This violation's license has no customer to notify", {
      violation_id: v.id,
    });
  const customer = await repo.findCustomer(ctx.db.sql, p.accountId, v.customer_id);
  if (!customer)
    throw new AppError('CONFLICT', "This violation's customer no longer exists", { violation_id: v.id });
  const license = v.license_id
    ? await repo.findLicenseFacts(ctx.db.sql, p.accountId, v.license_id)
    : undefined;
  const emailId = await ctx.db.tx(async (tx) => {
    const queued = await queueDirectEmail(tx, {
      accountId: p.accountId,
      template: 'compliance.customer_notified',
      to: customer.email,
      subject: { type: 'compliance_violation', id: v.id },
      data: {
        violation_id: v.id,
        violation_type: v.type,
        summary: v.summary,
        key_last4: license?.key_last4 ?? null,
        message: message?.trim() || null,
      },
    });
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'compliance.customer_notified',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'compliance_violation', id: v.id },
      ip: meta.ip,
      requestId: meta.requestId,
      data: { customer_id: customer.id, email_id: queued, violation_type: v.type },
    });
    return queued;
  });
  return result(v, 'notify_customer', { email_id: emailId });
}
