import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import { RoleSchema } from '../auth/schemas.js';
import type { AppContext } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { errorResponses, IdParams, listOf, listQuery, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import * as repo from './repository.js';
import { createUser, removeUser, updateUser } from './service.js';

const CreateUserBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    role: RoleSchema,
    password: Type.String({ minLength: 12, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ListUsersQuery = listQuery(['email', 'name', 'role', 'created_at'], {
  role: Type.Optional(RoleSchema),
});
const tags = ['users'];
const security = [{ bearer: [] }];

export async function userRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.get(
    '/api/v1/users',
    {
      schema: {
        tags,
        security,
        summary: 'List staff users',
        querystring: ListUsersQuery,
        response: { 200: listOf(Type.Ref('User')), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const p = principalOf(request);
      const rows = await repo.listUsers(ctx.db.sql, p.accountId, request.query);
      return page(rows, request.query.limit, request.query.offset);
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a staff user',
        params: IdParams,
        response: { 200: Type.Ref('User'), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const user = await repo.findUser(ctx.db.sql, principalOf(request).accountId, request.params.id);
      if (!user) throw notFound('User');
      return user;
    },
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        security,
        summary: 'Create a staff user',
        body: CreateUserBody,
        response: { 201: Type.Ref('User'), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'users:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply.status(201).send(await createUser(ctx, principalOf(request), request.body, request.ip)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a staff user',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: Type.Ref('User'), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'users:write'),
    },
    async (request) => updateUser(ctx, principalOf(request), request.params.id, request.body, request.ip),
  );

  app.delete(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a staff user',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'users:write'),
    },
    async (request, reply) => {
      await removeUser(ctx, principalOf(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
}
