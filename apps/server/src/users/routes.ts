import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { CreateUserBody, ListUsersQuery, UpdateUserBody } from './schemas.js';
import { createUser, getUser, listUsers, removeUser, resendInvitation, updateUser } from './service.js';

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
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listUsers(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
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
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getUser(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        security,
        summary: 'Create a staff user (without a password: invite them by email)',
        body: CreateUserBody,
        response: { 201: Type.Ref('User'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'users:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply.status(201).send(await createUser(request.ctx, principalOf(request), request.body, request.ip)),
  );

  app.post(
    '/api/v1/users/:id/invitation',
    {
      schema: {
        tags,
        security,
        summary: 'Email an invited user a new invitation link (the earlier one stops working)',
        params: IdParams,
        response: { 202: Type.Ref('User'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'users:write'),
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await resendInvitation(request.ctx, principalOf(request), request.params.id, request.ip)),
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
      preValidation: requireAction(ctx, 'users:write'),
    },
    async (request) =>
      updateUser(request.ctx, principalOf(request), request.params.id, request.body, request.ip),
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
      preValidation: requireAction(ctx, 'users:write'),
    },
    async (request, reply) => {
      await removeUser(request.ctx, principalOf(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
}
