import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../core/context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The context a request's work runs in: once a guard knows the caller's account, one whose database
     * is confined to that account's rows (row-level security, migration 0036); before that, or on a
     * route without a guard, the process's own.
     */
    readonly ctx: AppContext;
    accountCtx: AppContext | undefined;
  }
}

/** Declares `request.ctx` (a getter, so unguarded requests pay nothing for it). */
export function installRequestContext(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('accountCtx', undefined);
  app.decorateRequest('ctx', {
    getter(this: FastifyRequest) {
      return this.accountCtx ?? ctx;
    },
  });
}

/** Confines the rest of the request to one account (called by the guards once the caller is known). */
export function confineRequest(request: FastifyRequest, ctx: AppContext, accountId: string): void {
  if (ctx.db.rowSecurity) request.accountCtx = { ...ctx, db: ctx.db.forAccount(accountId) };
}
