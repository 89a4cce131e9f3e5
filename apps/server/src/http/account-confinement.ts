import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { type AccountScope, openAccountScope } from '../db/account-scope.js';

declare module 'fastify' {
  interface FastifyRequest {
    accountScope?: AccountScope;
  }
}

/**
 * Gives a guarded route's request an account scope (db/account-scope.ts): opened before the guard, named by
 * it once the caller is known, ended with the response so work the request set off goes on unconfined.
 * The scope is opened in a callback hook so everything after it (guard, handler) runs inside it.
 */
export function confineToAccount(route: RouteOptions): void {
  route.onRequest = [...hooks(route.onRequest), openScope];
  route.onResponse = [...hooks(route.onResponse), endScope];
}

function openScope(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  request.accountScope = openAccountScope(done);
}

function endScope(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  if (request.accountScope) request.accountScope.accountId = undefined;
  done();
}

const hooks = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
