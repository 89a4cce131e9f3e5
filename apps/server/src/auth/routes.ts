import { Type } from 'typebox';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { principalOf, requireAction } from './guard.js';
import { LoginLimiter } from './login-limiter.js';
import { LoginBody, MeSchema, RefreshBody, SessionSchema } from './schemas.js';
import { login, logout, me, refresh } from './service.js';

export async function authRoutes(app: App, { ctx, limiter }: { ctx: AppContext; limiter: LoginLimiter }) {
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in a staff user',
        body: LoginBody,
        response: { 200: SessionSchema, ...errorResponses },
      },
      config: { rateLimit: false },
    },
    async (request) => login(request.ctx, limiter, request.body, request.ip),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Rotate a refresh token',
        body: RefreshBody,
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (request) => refresh(request.ctx, request.body.refresh_token),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke a session',
        body: RefreshBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await logout(request.ctx, request.body.refresh_token);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in principal',
        security: [{ bearer: [] }],
        response: { 200: MeSchema, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      const p = principalOf(request);
      if (p.actorType === 'api_key') {
        // An API key has no user behind it; say so instead of a misleading "User not found".
        throw new AppError(
          'FORBIDDEN',
          'GET /api/v1/auth/me describes a signed-in staff user; an API key has none (see GET /api/v1/api-keys/{id})',
          {
            actor_type: 'api_key',
            api_key_id: p.actorId,
            role: p.role,
            account_id: p.accountId,
          },
        );
      }
      return me(request.ctx, p);
    },
  );
}

export { LoginLimiter };
