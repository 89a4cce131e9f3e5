import type Stripe from 'stripe';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { createCustomer } from '../customers/service.js';

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
  const sql = ctx.db.sql;
  const [found] = await sql<{ id: string }[]>`
    select id from customers where account_id = ${p.accountId} and (
      id::text = ${hint.keywardCustomerId ?? ''}
      or external_ids->>'stripe_customer' = ${stripeCustomerId}
      or (${hint.email ?? null}::text is not null and lower(email) = lower(${hint.email ?? ''})))
    order by (id::text = ${hint.keywardCustomerId ?? ''}) desc, (external_ids->>'stripe_customer' = ${stripeCustomerId}) desc
    limit 1`;
  if (found) {
    await sql`update customers set external_ids = external_ids || ${sql.json({ stripe_customer: stripeCustomerId })}
      where id = ${found.id} and external_ids->>'stripe_customer' is distinct from ${stripeCustomerId}`;
    return found.id;
  }
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
