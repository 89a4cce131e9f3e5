import Stripe from 'stripe';
import { expect } from 'vitest';
import type { World } from './server.js';

/**
 * Stripe's side of a test: webhook events signed with the library's own test-header helper and posted
 * to Keyward, and what Keyward made of them. Created once per test file with the file's world.
 */
export function stripeEvents(world: World, secret: string) {
  const stripe = new Stripe('sk_test_keyward');
  let sequence = 0;

  /** Posts a signed event whose object carries the account's id, as Keyward's own Checkout sets it. */
  function send(
    type: string,
    object: Record<string, unknown>,
    id = `evt_${type}_${++sequence}_${Date.now()}`,
  ) {
    const payload = JSON.stringify({
      id,
      object: 'event',
      type,
      created: Math.floor(Date.now() / 1000) + sequence,
      livemode: false,
      data: { object: { metadata: { keyward_account_id: world.account.accountId }, ...object } },
    });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    return world.server.request('POST', '/api/v1/webhooks/stripe', {
      raw: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
  }

  const checkout = (session: string, sub: string, customer: string, email: string) => ({
    id: session,
    object: 'checkout.session',
    mode: 'subscription',
    customer,
    subscription: sub,
    currency: 'usd',
    customer_details: { email },
    total_details: { amount_discount: 0, amount_tax: 0 },
  });
  const invoice = (sub: string) => ({
    id: `in_${sub}_${++sequence}`,
    object: 'invoice',
    parent: { subscription_details: { subscription: sub } },
  });

  /** Waits until every recorded event is settled (applied, ignored or needing attention). */
  async function settled() {
    await expect
      .poll(
        async () =>
          (
            await world.server.ctx.db.sql<{ n: number }[]>`
            select count(*)::int as n from stripe_events where account_id = ${world.account.accountId} and status = 'received'`
          )[0]!.n,
        { timeout: 30_000, interval: 200 },
      )
      .toBe(0);
  }

  /** The Keyward subscription of a Stripe subscription, and its license. */
  async function stateOf(stripeSub: string) {
    const [row] = await world.server.ctx.db.sql<
      {
        status: string;
        period_end: Date;
        dunning: Date | null;
        license_status: string;
        expires_at: Date;
        seats: number;
        quantity: number;
      }[]
    >`
      select s.status, s.current_period_end as period_end, s.dunning_ends_at as dunning, l.status as license_status,
        l.expires_at, l.max_activations as seats, s.quantity
      from subscriptions s join licenses l on l.subscription_id = s.id
      where s.account_id = ${world.account.accountId} and s.external_ids->>'stripe_subscription' = ${stripeSub}`;
    return row;
  }

  return { send, checkout, invoice, settled, stateOf };
}
