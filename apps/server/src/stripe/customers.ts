import type Stripe from 'stripe';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { createCustomer } from '../customers/service.js';
import { findAndLinkCustomer } from './repository.js';

/**
 * The Keyward customer of a Stripe customer: the one Keyward named when it opened the checkout
 * (`keyward_customer_id`), else the one already linked (`external_ids.stripe_customer`), else the one
 * with the same email — linked now — else a new one from Stripe's customer record.
 */
export async function customerFor(
  ctx: AppContext,
  p: Principal,
  stripe: Stripe,
  stripeCustomerId: string,
  hint: { keywardCustomerId?: string | undefined; email?: string | null | undefined },
): Promise<string> {
  const found = await findAndLinkCustomer(ctx.db.sql, p.accountId, stripeCustomerId, hint);
  if (found) return found;
  const remote = await stripe.customers.retrieve(stripeCustomerId);
  if (remote.deleted || !remote.email) throw new Error(`Stripe customer ${stripeCustomerId} has no email`);
  const [first, ...rest] = (remote.name ?? '').split(' ');
  const created = await createCustomer(
    ctx,
    p,
    {
      email: remote.email,
      ...(first ? { first_name: first } : {}),
      ...(rest.length ? { last_name: rest.join(' ') } : {}),
      external_ids: { stripe_customer: stripeCustomerId },
    },
    null,
  );
  return (created as { id: string }).id;
}
