import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import { RoleSchema } from '../auth/schemas.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { createApiKey, findApiKey, listApiKeys, revokeApiKey } from './service.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String(),
    role: RoleSchema,
    created_by: Nullable(Type.String()),
    last_used_at: Nullable(Type.String({ format: 'date-time' })),
    expires_at: Nullable(Type.String({ format: 'date-time' })),
    revoked_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'ApiKey' },
);

const CreatedApiKeySchema = Type.Intersect([
  Type.Ref('ApiKey'),
  Type.Object({ secret: Type.String({ description: 'Shown once' }) }),
]);

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Union(['admin', 'developer', 'sales', 'support', 'read_only'].map((r) => Type.Literal(r))),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    include_revoked: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

const tags = ['api-keys'];
const security = [{ bearer: [] }];

export { ApiKeySchema };

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
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset, include_revoked } = request.query;
      return page(
        await listApiKeys(ctx, principalOf(request).accountId, limit, offset, include_revoked),
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
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => findApiKey(ctx, principalOf(request).accountId, request.params.id),
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
      preHandler: requireAction(ctx, 'api_keys:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply.status(201).send(await createApiKey(ctx, principalOf(request), request.body, request.ip)),
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
      preHandler: requireAction(ctx, 'api_keys:write'),
    },
    async (request) => revokeApiKey(ctx, principalOf(request), request.params.id, request.ip),
  );
}
