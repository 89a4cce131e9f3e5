import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { blockDevice, listDeviceBlocks, unblockDevice } from './device-blocks.js';
import { CreateDeviceBlockBody, DeviceBlockListQuery, DeviceBlockSchema } from './schemas.js';

const tags = ['device blocks'];
const security = [{ bearer: [] }];

/** The block list: devices (by id or fingerprint) that may not activate any license of the account. */
export async function deviceBlockRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(DeviceBlockSchema);

  app.get(
    '/api/v1/device-blocks',
    {
      schema: {
        tags,
        security,
        summary: 'List blocked devices',
        querystring: DeviceBlockListQuery,
        response: { 200: listOf(Type.Ref('DeviceBlock')), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset } = request.query;
      return page(
        await listDeviceBlocks(request.ctx, principalOf(request).accountId, limit, offset),
        limit,
        offset,
      );
    },
  );

  app.post(
    '/api/v1/device-blocks',
    {
      schema: {
        tags,
        security,
        summary: 'Block a device id and/or fingerprint',
        body: CreateDeviceBlockBody,
        response: { 201: Type.Ref('DeviceBlock'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'devices:block'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await blockDevice(request.ctx, principalOf(request), request.body, { ip: request.ip })),
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
      preValidation: requireAction(ctx, 'devices:block'),
    },
    async (request, reply) => {
      await unblockDevice(request.ctx, principalOf(request), request.params.id, { ip: request.ip });
      return reply.status(204).send(null);
    },
  );
}
