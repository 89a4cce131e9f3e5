import type Stripe from 'stripe';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { askStripe, notConfigured } from './client.js';
import { customerForStripe, planForCheckout } from './repository.js';

export interface CheckoutRequest {
  planId: string;
  cycle: 'monthly' | 'annual';
  quantity: number;
  /** Who buys, when Keyward knows them (staff sent the link, a signed-in customer): linked on completion. */
  customerId?: string | undefined;
  successUrl?: string | undefined;
  cancelUrl?: string | undefined;
}

/**
 * A Stripe Checkout Session for a plan's mapped price: the buyer pays on Stripe's page, and its
 * `checkout.session.completed` (with Keyward's ids in the metadata) provisions the order and license.
 * `publicOnly`: the portal sells only active, public plans.
 */
export async function startCheckout(
  ctx: AppContext,
  stripe: Stripe,
  accountId: string,
  r: CheckoutRequest,
  publicOnly: boolean,
): Promise<{ id: string; url: string }> {
  const plan = await planForCheckout(ctx.db.sql, accountId, r.planId, r.cycle);
  if (!plan || (publicOnly && !(plan.active && plan.public)))
    throw new AppError('NOT_FOUND', 'plan_id does not name a plan for sale here', {
      pointer: '/body/plan_id',
    });
  if (!plan.price)
    throw new AppError(
      'INVALID_FIELD',
      `Plan ${plan.code} has no Stripe price for ${r.cycle} billing: set stripe_price_${r.cycle}`,
      {
        pointer: '/body/billing_cycle',
      },
    );
  const customer = r.customerId ? await customerForStripe(ctx.db.sql, accountId, r.customerId) : undefined;
  if (r.customerId && !customer)
    throw new AppError('NOT_FOUND', 'customer_id does not name a customer of this account', {
      pointer: '/body/customer_id',
    });
  const metadata = {
    keyward_account_id: accountId,
    keyward_plan_id: plan.id,
    ...(customer ? { keyward_customer_id: customer.id } : {}),
  };
  const portal = `${ctx.config.publicUrl}/portal`;
  const price = plan.price;
  const session = await askStripe(() =>
    stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price, quantity: r.quantity }],
      ...(customer?.stripe
        ? { customer: customer.stripe }
        : customer
          ? { customer_email: customer.email }
          : {}),
      metadata,
      subscription_data: { metadata },
      success_url: r.successUrl ?? `${portal}?checkout=success&session={CHECKOUT_SESSION_ID}`,
      cancel_url: r.cancelUrl ?? `${portal}?checkout=cancelled`,
    }),
  );
  return { id: session.id, url: session.url! };
}

/** A link to Stripe's billing portal for a customer Stripe knows (cards, invoices, cancel). */
export async function billingPortal(
  ctx: AppContext,
  stripe: Stripe | undefined,
  accountId: string,
  customerId: string,
  returnUrl?: string,
) {
  const customer = await customerForStripe(ctx.db.sql, accountId, customerId);
  if (!customer) throw new AppError('NOT_FOUND', 'Customer not found');
  if (!customer.stripe)
    throw new AppError(
      'CONFLICT',
      'This customer has not bought through Stripe yet: there is no billing to manage',
    );
  // A customer of another account is 404 whether or not this server has Stripe keys.
  if (!stripe) throw notConfigured();
  const session = await askStripe(() =>
    stripe.billingPortal.sessions.create({
      customer: customer.stripe!,
      return_url: returnUrl ?? `${ctx.config.publicUrl}/portal`,
    }),
  );
  return { url: session.url };
}
