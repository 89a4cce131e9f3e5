import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from '../core/canonical-json.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { decryptAtRest, encryptAtRest } from '../crypto/master-key.js';
import {
  claimKey,
  deleteExpiredClaims,
  findClaim,
  type IdempotencyClaim,
  releaseKey,
  storeResponse,
} from './idempotency-repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Creates honour an `Idempotency-Key` header: a replay returns the first response. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency?: IdempotencyClaim;
  }
}

const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,255}$/;
/** How long a key answers with its first response (Stripe's window). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

/**
 * Called once the caller is authenticated and authorised for the route (so a replay is authorised
 * again). Claims the caller's key, or replays the caller's stored response, or refuses: same key with
 * another body → 422, same key still running → 409. Another caller's key of the same name is another key.
 * Returns true when the reply was already sent (a replay).
 */
export async function beginIdempotentRequest(
  ctx: AppContext,
  principal: { accountId: string; actorType: string; actorId: string },
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
  const claim = {
    accountId: principal.accountId,
    caller: `${principal.actorType}:${principal.actorId}`,
    route,
    key,
  };
  const now = ctx.clock.now();
  if (await claimKey(ctx.db.sql, claim, hash, now, new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS))) {
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
  const body = prior.response_sealed ? JSON.parse(decryptAtRest(ctx.keyring, prior.response_sealed)) : null;
  await reply.status(prior.response_status).header('idempotent-replayed', 'true').send(body);
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
    // The payload is the JSON text the client gets; sealed, since it can carry a secret.
    const sealed =
      typeof payload === 'string' && payload.length > 0 ? encryptAtRest(ctx.keyring, payload) : null;
    await storeResponse(ctx.db.sql, claim, reply.statusCode, sealed);
    return payload;
  }
}

/** Drops the claims whose 24-hour window has closed (run periodically by the composition root). */
export function sweepIdempotencyKeys(ctx: AppContext): Promise<number> {
  return deleteExpiredClaims(ctx.db.sql, ctx.clock.now());
}
