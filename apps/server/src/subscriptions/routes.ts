import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import {
  CancelSubscriptionBody,
  CreatedSubscriptionSchema,
  CreateSubscriptionBody,
  ListSubscriptionsQuery,
  SubscriptionActionBody,
  SubscriptionSchema,
  UpdateSubscriptionBody,
} from './schemas.js';
import {
  actOnSubscription,
  cancelSubscription,
  createSubscription,
  getSubscription,
  listSubscriptions,
  updateSubscription,
} from './service.js';

const tags = ['subscriptions'];
const security = [{ bearer: [] }];
const Subscription = Type.Ref('Subscription');

/** The state machine's staff actions beside cancel: path, action, summary. */
const ACTIONS = [
  [
    'renew',
    'renew',
    'Record a paid period: the period advances (a trial converts), the licenses extend to its end',
  ],
  [
    'past-due',
    'mark_past_due',
    "A payment failed: the licenses keep working for the plan's dunning window, then suspend",
  ],
  ['suspend', 'suspend', 'Suspend the subscription and its licenses'],
  [
    'reactivate',
    'reactivate',
    'Undo a pending cancellation, or bring a suspended, canceled or expired subscription back',
  ],
] as const;

function meta(request: { ip: string; id: string }) {
  return { ip: request.ip, requestId: request.id };
}

export async function subscriptionRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(SubscriptionSchema);
  app.addSchema(CreatedSubscriptionSchema);

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
        await listSubscriptions(request.ctx, principalOf(request).accountId, request.query),
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
    async (request) => getSubscription(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/subscriptions',
    {
      schema: {
        tags,
        security,
        summary: 'Create a subscription (manual billing) and issue the license it drives',
        body: CreateSubscriptionBody,
        response: { 201: Type.Ref('CreatedSubscription'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'subscriptions:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createSubscription(request.ctx, principalOf(request), request.body, meta(request))),
  );

  app.patch(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a subscription (a new plan or quantity moves its licenses)',
        params: IdParams,
        body: UpdateSubscriptionBody,
        response: { 200: Subscription, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'subscriptions:write'),
    },
    async (request) =>
      updateSubscription(request.ctx, principalOf(request), request.params.id, request.body, meta(request)),
  );

  app.post(
    '/api/v1/subscriptions/:id/cancel',
    {
      schema: {
        tags,
        security,
        summary: 'Cancel now (the licenses are suspended) or at the end of the period (they end then)',
        params: IdParams,
        body: Type.Optional(CancelSubscriptionBody),
        response: { 200: Subscription, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'subscriptions:write'),
    },
    async (request) =>
      cancelSubscription(request.ctx, principalOf(request), request.params.id, request.body, meta(request)),
  );

  for (const [path, action, summary] of ACTIONS) {
    app.post(
      `/api/v1/subscriptions/:id/${path}`,
      {
        schema: {
          tags,
          security,
          summary,
          params: IdParams,
          body: Type.Optional(SubscriptionActionBody),
          response: { 200: Subscription, ...errorResponses },
        },
        preValidation: requireAction(ctx, 'subscriptions:write'),
      },
      async (request) =>
        actOnSubscription(
          request.ctx,
          principalOf(request),
          request.params.id,
          action,
          request.body,
          meta(request),
        ),
    );
  }
}
