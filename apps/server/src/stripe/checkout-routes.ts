import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { customerOf, requireCustomer } from '../customer-sessions/guard.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { billingPortal, startCheckout } from './checkout.js';
import { notConfigured, stripeClient } from './client.js';
import { accountBySlug } from './repository.js';

/**
 * Selling through Stripe: Checkout links (staff for a customer, the public portal's Buy button, a
 * signed-in customer's Buy or Upgrade) and Stripe's billing portal (cards, invoices, plan changes).
 */
export async function checkoutRoutes(app: App, { ctx }: { ctx: AppContext }) {
  const client = stripeClient(ctx.config);
  /** Stripe, or PAYMENT_PROVIDER_NOT_CONFIGURED when this server has no keys. */
  const stripe = () => {
    if (!client) throw notConfigured();
    return client.stripe;
  };
  const account = `${ctx.config.publicUrl}/portal/account`;

  const CheckoutBody = {
    plan_id: Type.String({ format: 'uuid' }),
    billing_cycle: Type.Union([Type.Literal('monthly'), Type.Literal('annual')]),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  };
  const ReturnUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 });
  const CheckoutSession = Type.Object({ id: Type.String(), url: Type.String() });

  app.post(
    '/api/v1/checkout-sessions',
    {
      schema: {
        tags: ['payments'],
        security: [{ bearer: [] }],
        summary:
          'A Stripe Checkout link for a plan (send it to a customer); paying provisions the order and license',
        body: Type.Object(
          {
            ...CheckoutBody,
            customer_id: Type.Optional(Type.String({ format: 'uuid' })),
            success_url: Type.Optional(ReturnUrl),
            cancel_url: Type.Optional(ReturnUrl),
          },
          { additionalProperties: false },
        ),
        response: { 201: CheckoutSession, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'orders:write'),
    },
    async (request, reply) => {
      const b = request.body;
      const session = await startCheckout(
        request.ctx,
        stripe(),
        principalOf(request).accountId,
        {
          planId: b.plan_id,
          cycle: b.billing_cycle,
          quantity: b.quantity ?? 1,
          customerId: b.customer_id,
          successUrl: b.success_url,
          cancelUrl: b.cancel_url,
        },
        false,
      );
      return reply.status(201).send(session);
    },
  );

  app.post(
    '/api/v1/portal/checkout',
    {
      schema: {
        tags: ['portal'],
        summary: "Buy a public plan: a Stripe Checkout link (the portal's Buy button)",
        body: Type.Object(
          { ...CheckoutBody, account: Type.Optional(Type.String({ maxLength: 63, default: 'default' })) },
          { additionalProperties: false },
        ),
        response: { 201: CheckoutSession, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const account = await accountBySlug(request.ctx.db.sql, b.account ?? 'default');
      if (!account)
        throw new AppError('NOT_FOUND', `No account "${b.account}"`, { pointer: '/body/account' });
      const session = await startCheckout(
        request.ctx,
        stripe(),
        account.id,
        { planId: b.plan_id, cycle: b.billing_cycle, quantity: b.quantity ?? 1 },
        true,
      );
      return reply.status(201).send(session);
    },
  );

  app.post(
    '/api/v1/customers/:id/billing-portal',
    {
      schema: {
        tags: ['payments'],
        security: [{ bearer: [] }],
        summary: "A link to Stripe's billing portal for a customer (cards, invoices, cancellation)",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Optional(
          Type.Object({ return_url: Type.Optional(ReturnUrl) }, { additionalProperties: false }),
        ),
        response: { 201: Type.Object({ url: Type.String() }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'customers:write'),
    },
    async (request, reply) => {
      const link = await billingPortal(
        request.ctx,
        client?.stripe,
        principalOf(request).accountId,
        request.params.id,
        request.body?.return_url,
      );
      return reply.status(201).send(link);
    },
  );

  app.post(
    '/api/v1/portal/me/checkout',
    {
      schema: {
        tags: ['portal'],
        security: [{ customerSession: [] }],
        summary: 'Buy a plan, or another one to upgrade, as the signed-in customer: a Stripe Checkout link',
        body: Type.Object(CheckoutBody, { additionalProperties: false }),
        response: { 201: CheckoutSession, ...errorResponses },
      },
      preValidation: requireCustomer(ctx),
    },
    async (request, reply) => {
      const c = customerOf(request);
      const b = request.body;
      const session = await startCheckout(
        request.ctx,
        stripe(),
        c.account_id,
        {
          planId: b.plan_id,
          cycle: b.billing_cycle,
          quantity: b.quantity ?? 1,
          customerId: c.customer_id,
          successUrl: `${account}?checkout=success`,
          cancelUrl: `${account}?checkout=cancelled`,
        },
        true,
      );
      return reply.status(201).send(session);
    },
  );

  app.post(
    '/api/v1/portal/me/billing-portal',
    {
      schema: {
        tags: ['portal'],
        security: [{ customerSession: [] }],
        summary: 'My billing on Stripe: cards, invoices, changing or cancelling my plan',
        response: { 201: Type.Object({ url: Type.String() }), ...errorResponses },
      },
      preValidation: requireCustomer(ctx),
    },
    async (request, reply) => {
      const c = customerOf(request);
      return reply
        .status(201)
        .send(await billingPortal(request.ctx, client?.stripe, c.account_id, c.customer_id, account));
    },
  );
}
