import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import {
  CancelSubscriptionBody,
  CreateSubscriptionBody,
  ListSubscriptionsQuery,
  SubscriptionSchema,
  UpdateSubscriptionBody,
} from './schemas.js';
import {
  cancelSubscription,
  createSubscription,
  getSubscription,
  listSubscriptions,
  updateSubscription,
} from './service.js';

const tags = ['subscriptions'];
const security = [{ bearer: [] }];
const Subscription = Type.Ref('Subscription');

export async function subscriptionRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(SubscriptionSchema);

  app.get(
    '/api/v1/subscriptions',
    {
      schema: {
        tags,
        security,
        summary: 'List subscriptions',
        querystring: ListSubscriptionsQuery,
        response: { 200: listOf(Subscription), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listSubscriptions(ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a subscription',
        params: IdParams,
        response: { 200: Subscription, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getSubscription(ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/subscriptions',
    {
      schema: {
        tags,
        security,
        summary: 'Create a subscription (manual billing; Stripe creates its own)',
        body: CreateSubscriptionBody,
        response: { 201: Subscription, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'subscriptions:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply.status(201).send(await createSubscription(ctx, principalOf(request), request.body, request.ip)),
  );

  app.patch(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a subscription',
        params: IdParams,
        body: UpdateSubscriptionBody,
        response: { 200: Subscription, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'subscriptions:write'),
    },
    async (request) =>
      updateSubscription(ctx, principalOf(request), request.params.id, request.body, request.ip),
  );

  app.post(
    '/api/v1/subscriptions/:id/cancel',
    {
      schema: {
        tags,
        security,
        summary: 'Cancel now or at the end of the period',
        params: IdParams,
        body: Type.Optional(CancelSubscriptionBody),
        response: { 200: Subscription, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'subscriptions:write'),
    },
    async (request) =>
      cancelSubscription(ctx, principalOf(request), request.params.id, request.body, request.ip),
  );
}
