import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { CreateBody, CreatedApiKeySchema, ListQuery } from './schemas.js';
import { createApiKey, findApiKey, listApiKeys, revokeApiKey } from './service.js';

const tags = ['api-keys'];
const security = [{ bearer: [] }];

export async function apiKeyRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.get(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        security,
        summary: 'List API keys',
        querystring: ListQuery,
        response: { 200: listOf(Type.Ref('ApiKey')), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset, include_revoked } = request.query;
      return page(
        await listApiKeys(request.ctx, principalOf(request).accountId, limit, offset, include_revoked),
        limit,
        offset,
      );
    },
  );

  app.get(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get an API key',
        params: IdParams,
        response: { 200: Type.Ref('ApiKey'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => findApiKey(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        security,
        summary: 'Create an API key (secret shown once)',
        body: CreateBody,
        response: { 201: CreatedApiKeySchema, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'api_keys:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply.status(201).send(await createApiKey(request.ctx, principalOf(request), request.body, request.ip)),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 200: Type.Ref('ApiKey'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'api_keys:write'),
    },
    async (request) => revokeApiKey(request.ctx, principalOf(request), request.params.id, request.ip),
  );
}
