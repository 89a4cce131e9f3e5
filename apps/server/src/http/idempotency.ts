import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from '../core/canonical-json.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { claimKey, findClaim, releaseKey, storeResponse } from './idempotency-repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Creates honour an `Idempotency-Key` header: a replay returns the first response. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency?: { accountId: string; route: string; key: string };
  }
}

const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,255}$/;

/**
 * Called once the caller's account is known. Claims the key, or replays the stored response,
 * or refuses: same key with another body → 422, same key still running → 409.
 * Returns true when the reply was already sent (a replay).
 */
export async function beginIdempotentRequest(
  ctx: AppContext,
  accountId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return false;
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new AppError(
      'INVALID_FIELD',
      'Idempotency-Key must be 1–255 characters of letters, digits, _ - : .',
      {
        pointer: '/headers/idempotency-key',
      },
    );
  }
  const route = `${request.method} ${request.routeOptions.url}`;
  const hash = createHash('sha256')
    .update(canonicalJson(request.body ?? null))
    .digest('hex');
  const claim = { accountId, route, key };
  if (await claimKey(ctx.db.sql, claim, hash)) {
    request.idempotency = claim;
    return false;
  }
  const prior = await findClaim(ctx.db.sql, claim);
  if (!prior)
    throw new AppError(
      'IDEMPOTENCY_KEY_IN_USE',
      'The request with this Idempotency-Key is still running; retry shortly',
    );
  if (prior.request_hash !== hash) {
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used with a different request body; use a new key',
    );
  }
  if (prior.status !== 'completed') {
    throw new AppError(
      'IDEMPOTENCY_KEY_IN_USE',
      'The request with this Idempotency-Key is still running; retry shortly',
    );
  }
  await reply.status(prior.response_status).header('idempotent-replayed', 'true').send(prior.response_body);
  return true;
}

/** Stores the response of a claimed key (2xx/4xx); a 5xx releases the key so the client can retry. */
export function installIdempotency(app: FastifyInstance, ctx: AppContext): void {
  // Only routes that accept Idempotency-Key get the hook; the rest pay nothing.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    const existing = route.onSend ? (Array.isArray(route.onSend) ? route.onSend : [route.onSend]) : [];
    route.onSend = [...existing, keepResponse as never];
  });
  async function keepResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = undefined;
    if (reply.statusCode >= 500) {
      await releaseKey(ctx.db.sql, claim);
      return payload;
    }
    let body: unknown = null;
    try {
      body = typeof payload === 'string' && payload.length > 0 ? JSON.parse(payload) : null;
    } catch {
      body = null;
    }
    await storeResponse(ctx.db.sql, claim, reply.statusCode, body);
    return payload;
  }
}
