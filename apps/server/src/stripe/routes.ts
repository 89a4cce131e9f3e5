import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { errorResponses, listOf, listQuery, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import type { StripeApplier } from './applier.js';
import { notConfigured, stripeClient } from './client.js';
import type { StripeEventRecorder } from './event-recorder.js';
import { listStripeEvents, requeueStripeEvent } from './repository.js';

const StripeEventSchema = Type.Object(
  {
    id: Type.String({ description: 'Stripe event id (evt_…)' }),
    account_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    type: Type.String(),
    stripe_created_at: Type.String({ format: 'date-time' }),
    livemode: Type.Boolean(),
    status: Type.String({ description: 'received, applied, ignored, or needs_attention (see error)' }),
    attempts: Type.Integer(),
    error: Type.Union([Type.String(), Type.Null()]),
    received_at: Type.String({ format: 'date-time' }),
    applied_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'StripeEvent' },
);

const ListStripeEventsQuery = listQuery(['received_at'], {
  status: Type.Optional(Type.String({ maxLength: 20 })),
  type: Type.Optional(Type.String({ maxLength: 100 })),
});

/**
 * Stripe's webhook: the signature over the raw body (5 minutes' tolerance) is the credential. Each event
 * is recorded once by its id and answered at once; applying it is the worker's (Stripe wants a fast 2xx
 * and sends again whatever was not answered).
 */
export async function stripeRoutes(
  app: App,
  { ctx, applier, recorder }: { ctx: AppContext; applier: StripeApplier; recorder: StripeEventRecorder },
) {
  const client = stripeClient(ctx.config);
  app.addSchema(StripeEventSchema);

  await app.register(async (raw) => {
    // This route alone reads its body as the bytes Stripe signed.
    raw.removeContentTypeParser('application/json');
    raw.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    raw.post(
      '/api/v1/webhooks/stripe',
      {
        schema: {
          tags: ['payments'],
          summary: "Stripe's webhook (signed with STRIPE_WEBHOOK_SECRET); each event is applied once",
          response: {
            200: Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() }),
            ...errorResponses,
          },
        },
        config: { rateLimit: false },
      },
      async (request) => {
        if (!client) throw notConfigured();
        const signature = request.headers['stripe-signature'];
        if (typeof signature !== 'string' || typeof request.body !== 'string')
          throw new AppError(
            'WEBHOOK_SIGNATURE_INVALID',
            'A Stripe webhook needs its Stripe-Signature header and a JSON body',
          );
        let event: ReturnType<typeof client.stripe.webhooks.constructEvent>;
        try {
          event = client.stripe.webhooks.constructEvent(request.body, signature, client.webhookSecret, 300);
        } catch (err) {
          throw new AppError(
            'WEBHOOK_SIGNATURE_INVALID',
            `The Stripe signature does not verify: ${(err as Error).message}`,
          );
        }
        const object = event.data.object as { metadata?: Record<string, string> | null };
        const recorded = await recorder.record({
          id: event.id,
          namedAccount: object.metadata?.keyward_account_id,
          type: event.type,
          created: new Date(event.created * 1000),
          livemode: event.livemode,
          payload: event,
        });
        return { received: true, duplicate: !recorded };
      },
    );
  });

  app.get(
    '/api/v1/payment-events',
    {
      schema: {
        tags: ['payments'],
        security: [{ bearer: [] }],
        summary: "Stripe's events as received, with how each was applied",
        querystring: ListStripeEventsQuery,
        response: { 200: listOf(Type.Ref('StripeEvent')), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      if (!client) throw notConfigured();
      return page(
        await listStripeEvents(request.ctx.db.sql, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      );
    },
  );

  app.post(
    '/api/v1/payment-events/:id/retry',
    {
      schema: {
        tags: ['payments'],
        security: [{ bearer: [] }],
        summary: 'Apply an event that needed attention again (once its plan price is mapped, say)',
        params: Type.Object({ id: Type.String({ pattern: '^evt_', maxLength: 255 }) }),
        response: { 202: Type.Object({ queued: Type.Boolean() }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'orders:write'),
    },
    async (request, reply) => {
      if (!(await requeueStripeEvent(request.ctx.db.sql, principalOf(request).accountId, request.params.id)))
        throw new AppError('NOT_FOUND', 'No payment event with this id needs attention in this account');
      // Requeued either way: it is applied once the server has its Stripe keys.
      if (!client) throw notConfigured();
      applier.nudge();
      return reply.status(202).send({ queued: true });
    },
  );
}
