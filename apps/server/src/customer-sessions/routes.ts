import { Type } from 'typebox';
import type { LoginLimiter } from '../auth/login-limiter.js';
import type { AppContext } from '../core/context.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { customerOf, requireCustomer } from './guard.js';
import { PortalCustomerSchema, PortalSessionSchema, SignInBody, SignInRequestBody } from './schemas.js';
import { publicCustomer, requestSignIn, signInWithLink, signOut } from './service.js';

const tags = ['portal'];

/** Customers sign in to the portal with a one-time emailed link; the link is the only credential. */
export async function customerSessionRoutes(
  app: App,
  { ctx, limiter }: { ctx: AppContext; limiter: LoginLimiter },
) {
  app.post(
    '/api/v1/portal/sign-in',
    {
      schema: {
        tags,
        summary: 'Email me a sign-in link (the same answer whether or not the email is a customer)',
        body: SignInRequestBody,
        response: { 202: Type.Object({ message: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await requestSignIn(request.ctx, limiter, request.body, request.ip);
      return reply.status(202).send({
        message:
          'If you are a customer with this email, a sign-in link is on its way. It works once, for 15 minutes.',
      });
    },
  );

  app.post(
    '/api/v1/portal/sign-in/confirm',
    {
      schema: {
        tags,
        summary: 'Trade an emailed sign-in link for a portal session',
        body: SignInBody,
        response: { 201: PortalSessionSchema, ...errorResponses },
      },
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
    },
    async (request, reply) =>
      reply.status(201).send(await signInWithLink(request.ctx, request.body.token, request.ip)),
  );

  app.post(
    '/api/v1/portal/sign-out',
    {
      schema: { tags, summary: 'End my portal session', response: { 204: Type.Null(), ...errorResponses } },
      preValidation: requireCustomer(ctx),
    },
    async (request, reply) => {
      await signOut(request.ctx, customerOf(request), request.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/portal/me',
    {
      schema: {
        tags,
        summary: 'Who I am signed in as',
        response: { 200: PortalCustomerSchema, ...errorResponses },
      },
      preValidation: requireCustomer(ctx),
    },
    async (request) => publicCustomer(customerOf(request)),
  );
}
