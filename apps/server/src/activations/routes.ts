import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { ActivationSchema, ListActivationsQuery } from '../licenses/schemas.js';
import { ReasonBody } from './schemas.js';
import {
  blockActivationDevice,
  deactivateActivation,
  getActivation,
  listSeats,
  listSeatsOfLicense,
} from './service.js';

const tags = ['activations'];
const security = [{ bearer: [] }];
const Activation = Type.Ref('Activation');

export async function activationRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(ActivationSchema);

  app.get(
    '/api/v1/activations',
    {
      schema: {
        tags,
        security,
        summary: 'List device activations (devices monitor)',
        querystring: ListActivationsQuery,
        response: { 200: listOf(Activation), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listSeats(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/licenses/:id/activations',
    {
      schema: {
        tags,
        security,
        summary: 'Devices of a license',
        params: IdParams,
        querystring: ListActivationsQuery,
        response: { 200: listOf(Activation), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listSeatsOfLicense(
          request.ctx,
          principalOf(request).accountId,
          request.params.id,
          request.query,
        ),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/activations/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get an activation',
        params: IdParams,
        response: { 200: Activation, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getActivation(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/activations/:id/deactivate',
    {
      schema: {
        tags,
        security,
        summary: 'Free the seat (staff)',
        params: IdParams,
        body: Type.Optional(ReasonBody),
        response: { 200: Activation, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'activations:deactivate'),
    },
    async (request) => {
      const p = principalOf(request);
      return deactivateActivation(request.ctx, p.accountId, request.params.id, {
        actor: { type: p.actorType, id: p.actorId },
        reason: request.body?.reason ?? 'deactivated_by_staff',
        ip: request.ip,
        requestId: String(request.id),
      });
    },
  );

  app.post(
    '/api/v1/activations/:id/block',
    {
      schema: {
        tags,
        security,
        summary: 'End the seat and block the device',
        params: IdParams,
        body: Type.Optional(ReasonBody),
        response: { 200: Activation, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'devices:block'),
    },
    async (request) =>
      blockActivationDevice(
        request.ctx,
        principalOf(request),
        request.params.id,
        request.body?.reason ?? 'blocked by staff',
        { ip: request.ip, requestId: String(request.id) },
      ),
  );
}
