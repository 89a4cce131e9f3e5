import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { beginIdempotentRequest } from '../http/idempotency.js';
import { confineRequest } from '../http/request-context.js';
import { verifyAccessToken } from './access-tokens.js';
import type { ApiKeyCache } from './api-key-cache.js';
import { type Action, authorize } from './permissions.js';
import type { Principal } from './principal.js';
import { findUserAccess, touchApiKey } from './repository.js';

export type { Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** The process's API-key cache, decorated by the composition root (app/http-app.ts). */
    apiKeys: ApiKeyCache;
  }
}

/** The authenticated principal of a request that passed a guard. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 'Authentication required');
  return request.principal;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !value) {
    throw new AppError('UNAUTHENTICATED', 'Use "Authorization: Bearer <access token or API key>"');
  }
  return value;
}

/** A disabled account's staff and keys are refused; said plainly, since they proved who they are. */
export const accountDisabled = () =>
  new AppError('ACCOUNT_DISABLED', "This account has been disabled by the server's operator; contact them");

async function authenticate(ctx: AppContext, apiKeys: ApiKeyCache, token: string): Promise<Principal> {
  if (token.startsWith('kw_')) {
    const key = await apiKeys.lookup(token);
    const now = ctx.clock.now();
    if (!key || key.revoked_at || (key.expires_at && key.expires_at <= now)) {
      throw new AppError('TOKEN_INVALID', 'The API key is unknown, revoked or expired');
    }
    if (key.account_disabled) throw accountDisabled();
    // last_used_at is for humans: a minute's precision saves a write per request.
    if (!key.last_used_at || now.getTime() - key.last_used_at.getTime() > 60_000) {
      key.last_used_at = now; // the cached row too, so the next minute of calls skips this write
      touchApiKey(ctx.db.sql, key.id, now).catch(() => {});
    }
    return { accountId: key.account_id, role: key.role, actorType: 'api_key', actorId: key.id };
  }
  const claims = await verifyAccessToken(ctx.keyring.accessToken, token);
  // The user row is read on every call so a disabled user or a role change takes effect at once.
  const user = await findUserAccess(
    ctx.db.sql,
    claims.accountId,
    claims.userId,
    claims.sessionId,
    ctx.clock.now(),
  );
  if (user?.status !== 'active') throw new AppError('TOKEN_INVALID', 'The user no longer has access');
  if (user.account_disabled) throw accountDisabled();
  if (!user.session_live)
    throw new AppError(
      'TOKEN_INVALID',
      'This session has ended (signed out, password changed or a reused refresh token); sign in again',
    );
  return { accountId: claims.accountId, role: user.role, actorType: 'user', actorId: claims.userId };
}

/** A route's guard, carrying the action it checks (published per operation as `x-keyward-action`). */
export type Guard = preValidationAsyncHookHandler & { readonly action: Action };

/**
 * The route's `preValidation` hook: authenticates the caller and checks that its role may perform
 * `action`. It runs before the body is validated, so a caller without the right learns nothing of the
 * route's schema: no credentials is a 401 and the wrong role a 403, whatever the body.
 */
export function requireAction(ctx: AppContext, action: Action): Guard {
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearer(request);
    if (!token)
      throw new AppError('UNAUTHENTICATED', 'Authentication required: send a Bearer access token or API key');
    const principal = await authenticate(ctx, request.server.apiKeys, token);
    authorize(principal, action);
    request.principal = principal;
    confineRequest(request, ctx, principal.accountId); // the rest of the request sees this account's rows only
    if (
      request.routeOptions.config.idempotent &&
      (await beginIdempotentRequest(ctx, principal, request, reply))
    ) {
      return reply;
    }
    return undefined;
  };
  return Object.assign(guard, { action });
}

/** The action a route's guard checks, if it has one (for the OpenAPI document). */
export function guardedAction(hooks: unknown): Action | undefined {
  for (const hook of Array.isArray(hooks) ? hooks : [hooks])
    if (typeof hook === 'function' && typeof (hook as Partial<Guard>).action === 'string')
      return (hook as Guard).action;
  return undefined;
}
