import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import { LICENSE_CHANGED } from '../licenses/publish.js';
import { deleteDeviceBlock, insertDeviceBlockRow, listDeviceBlockRows } from './repository.js';
import type { CreateDeviceBlock } from './schemas.js';
import { fingerprintHash } from './service.js';

type Meta = { ip: string };

/** Every process drops its seat snapshots: a block can touch seats of any license of the account. */
function publishBlockChange(ctx: AppContext, accountId: string) {
  return ctx.bus
    .publish({ topic: LICENSE_CHANGED, accountId, data: { event: 'activation.blocked' } })
    .catch(() => {});
}

/** A page of the account's blocked devices (rows plus one look-ahead row), newest first. */
export function listDeviceBlocks(ctx: AppContext, accountId: string, limit: number, offset: number) {
  return listDeviceBlockRows(ctx.db.sql, accountId, limit, offset);
}

/** Blocks a device id and/or fingerprint from activating any license of the account. */
export async function blockDevice(ctx: AppContext, p: Principal, input: CreateDeviceBlock, meta: Meta) {
  const { device_id, device_fingerprint, reason } = input;
  if (!device_id && !device_fingerprint)
    throw new AppError('MISSING_FIELD', 'Give device_id or device_fingerprint', {
      pointer: '/body/device_id',
    });
  const row = await ctx.db.tx(async (tx) => {
    const created = await insertDeviceBlockRow(tx, p.accountId, {
      deviceId: device_id ?? null,
      fingerprintHash: device_fingerprint ? fingerprintHash(ctx, device_fingerprint) : null,
      reason,
      createdBy: p.actorId,
    });
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'device_block.created',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'device_block', id: created.id },
      ip: meta.ip,
      data: { device_id: device_id ?? null, reason },
    });
    return created;
  });
  await publishBlockChange(ctx, p.accountId);
  return row;
}

export async function unblockDevice(ctx: AppContext, p: Principal, id: string, meta: Meta) {
  await ctx.db.tx(async (tx) => {
    if (!(await deleteDeviceBlock(tx, p.accountId, id))) throw notFound('Device block');
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'device_block.deleted',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'device_block', id },
      ip: meta.ip,
    });
  });
  await publishBlockChange(ctx, p.accountId);
}
