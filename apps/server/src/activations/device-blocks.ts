import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { LICENSE_CHANGED } from '../licenses/publish.js';
import { fingerprintHash } from './service.js';

const DeviceBlockSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    device_id: Type.Union([Type.String(), Type.Null()]),
    has_fingerprint: Type.Boolean(),
    reason: Type.String(),
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'DeviceBlock' },
);

const CreateBody = Type.Object(
  {
    device_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    device_fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);

const tags = ['device blocks'];
const security = [{ bearer: [] }];
const COLUMNS =
  'id, device_id, fingerprint_hash is not null as has_fingerprint, reason, created_by, created_at';

/** The block list: devices (by id or fingerprint) that may not activate any license of the account. */
export async function deviceBlockRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(DeviceBlockSchema);
  const ListQuery = Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
      offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    },
    { additionalProperties: false },
  );

  app.get(
    '/api/v1/device-blocks',
    {
      schema: {
        tags,
        security,
        summary: 'List blocked devices',
        querystring: ListQuery,
        response: { 200: listOf(Type.Ref('DeviceBlock')), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset } = request.query;
      const rows = await ctx.db
        .sql`select ${ctx.db.sql.unsafe(COLUMNS)} from device_blocks where account_id = ${principalOf(request).accountId}
        order by created_at desc, id desc limit ${limit + 1} offset ${offset}`;
      return page(rows, limit, offset);
    },
  );

  app.post(
    '/api/v1/device-blocks',
    {
      schema: {
        tags,
        security,
        summary: 'Block a device id and/or fingerprint',
        body: CreateBody,
        response: { 201: Type.Ref('DeviceBlock'), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'devices:block'),
      config: { idempotent: true },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { device_id, device_fingerprint, reason } = request.body;
      if (!device_id && !device_fingerprint)
        throw new AppError('MISSING_FIELD', 'Give device_id or device_fingerprint', {
          pointer: '/body/device_id',
        });
      const row = await ctx.db.tx(async (tx) => {
        const [created] =
          await tx`insert into device_blocks (account_id, device_id, fingerprint_hash, reason, created_by)
          values (${p.accountId}, ${device_id ?? null}, ${device_fingerprint ? fingerprintHash(ctx, device_fingerprint) : null}, ${reason}, ${p.actorId})
          returning ${tx.unsafe(COLUMNS)}`;
        await recordEvent(tx, {
          accountId: p.accountId,
          type: 'device_block.created',
          actor: { type: p.actorType, id: p.actorId },
          subject: { type: 'device_block', id: created!.id },
          ip: request.ip,
          data: { device_id: device_id ?? null, reason },
        });
        return created!;
      });
      await ctx.bus
        .publish({ topic: LICENSE_CHANGED, accountId: p.accountId, data: { event: 'activation.blocked' } })
        .catch(() => {});
      return reply.status(201).send(row);
    },
  );

  app.delete(
    '/api/v1/device-blocks/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Unblock',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'devices:block'),
    },
    async (request, reply) => {
      const p = principalOf(request);
      await ctx.db.tx(async (tx) => {
        const rows =
          await tx`delete from device_blocks where account_id = ${p.accountId} and id = ${request.params.id} returning id`;
        if (rows.length === 0) throw notFound('Device block');
        await recordEvent(tx, {
          accountId: p.accountId,
          type: 'device_block.deleted',
          actor: { type: p.actorType, id: p.actorId },
          subject: { type: 'device_block', id: request.params.id },
          ip: request.ip,
        });
      });
      await ctx.bus
        .publish({ topic: LICENSE_CHANGED, accountId: p.accountId, data: { event: 'activation.blocked' } })
        .catch(() => {});
      return reply.status(204).send(null);
    },
  );
}
