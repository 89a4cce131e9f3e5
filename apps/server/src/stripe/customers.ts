import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import type { CreateCustomerInput } from '../customers/schemas.js';
import { findAndLinkCustomer } from './repository.js';

/**
 * The Keyward customer of a checkout: one that exists (`id`), or one to create with the checkout's
 * order (`create`, under the id chosen here), so that the customer commits with what was bought.
 */
export interface CheckoutCustomer {
  id: string;
  create?: CreateCustomerInput;
}

/**
 * The Keyward customer of a Stripe customer: the one Keyward named when it opened the checkout
 * (`keyward_customer_id`), else the one already linked (`external_ids.stripe_customer`), else the one
 * with the same email — linked now — else a new one, from the checkout's own customer details (Stripe's
 * customer record is asked only when they carry no email).
 */
export async function customerFor(
  ctx: AppContext,
  p: Principal,
  stripe: Stripe,
  stripeCustomerId: string,
  hint: {
    keywardCustomerId?: string | undefined;
    email?: string | null | undefined;
    name?: string | null | undefined;
  },
): Promise<CheckoutCustomer> {
  const found = await findAndLinkCustomer(ctx.db.sql, p.accountId, stripeCustomerId, hint);
  if (found) return { id: found };
  const buyer = hint.email
    ? { email: hint.email, name: hint.name ?? null }
    : await stripeBuyer(ctx, p, stripe, stripeCustomerId);
  if (typeof buyer === 'string') return { id: buyer };
  const [first, ...rest] = (buyer.name ?? '').split(' ');
  return {
    id: randomUUID(),
    create: {
      email: buyer.email,
      ...(first ? { first_name: first } : {}),
      ...(rest.length ? { last_name: rest.join(' ') } : {}),
      external_ids: { stripe_customer: stripeCustomerId },
    },
  };
}

/** Stripe's customer record, for a checkout that carried no email; or the customer here with its email, linked now. */
async function stripeBuyer(ctx: AppContext, p: Principal, stripe: Stripe, stripeCustomerId: string) {
  const remote = await stripe.customers.retrieve(stripeCustomerId);
  if (remote.deleted || !remote.email) throw new Error(`Stripe customer ${stripeCustomerId} has no email`);
  const linked = await findAndLinkCustomer(ctx.db.sql, p.accountId, stripeCustomerId, {
    email: remote.email,
  });
  return linked ?? { email: remote.email, name: remote.name ?? null };
}
