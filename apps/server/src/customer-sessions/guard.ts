import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { confineRequest } from '../http/request-context.js';
import { authenticateCustomer, type CustomerPrincipal } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    customer?: CustomerPrincipal;
  }
}

/** A portal route's guard: the caller is a signed-in customer (published as `x-keyward-customer`). */
export type CustomerGuard = preValidationAsyncHookHandler & { readonly customer: true };

/**
 * The `preValidation` hook of every signed-in portal route: a customer session token as
 * `Authorization: Bearer kws_…`. Staff tokens and API keys are not customers and are refused (401).
 */
export function requireCustomer(ctx: AppContext): CustomerGuard {
  const guard = async (request: FastifyRequest) => {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token)
      throw new AppError(
        'UNAUTHENTICATED',
        'Sign in to the portal: send "Authorization: Bearer <session token>"',
      );
    request.customer = await authenticateCustomer(ctx, token);
    confineRequest(request, ctx, request.customer.account_id); // the rest of the request sees this account's rows only
  };
  return Object.assign(guard, { customer: true as const });
}

/** The signed-in customer of a request that passed `requireCustomer`. */
export function customerOf(request: FastifyRequest): CustomerPrincipal {
  if (!request.customer) throw new AppError('UNAUTHENTICATED', 'Sign in to the portal');
  return request.customer;
}

/** Whether a route's hooks include the customer guard (for the OpenAPI document). */
export function isCustomerRoute(hooks: unknown): boolean {
  return (Array.isArray(hooks) ? hooks : [hooks]).some(
    (hook) => typeof hook === 'function' && (hook as Partial<CustomerGuard>).customer === true,
  );
}
