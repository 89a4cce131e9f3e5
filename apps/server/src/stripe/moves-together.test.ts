import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { StripeDouble } from '../../test/support/stripe-double.js';
import { stripeEvents } from '../../test/support/stripe-events.js';
import type { Config } from '../config/config.js';

// Renewals that arrive together are applied in one transaction (stripe/subscription-moves.ts). Stripe's
// API is the project's one test double, a local server standing in for the endpoints Keyward calls.
const SECRET = 'whsec_test_keyward_together';
const double = new StripeDouble();
const config: Partial<Config> = { stripeSecretKey: 'sk_test_keyward', stripeWebhookSecret: SECRET };
beforeAll(async () => {
  config.stripeApiUrl = await double.start();
});
afterAll(async () => {
  await double.stop();
});
const world = useServer({ config });
const { send, checkout, invoice, settled, stateOf } = stripeEvents(world, SECRET);
const DAY = 86_400_000;
const COUNT = 12;

describe('Stripe renewals applied together', () => {
  it('renew each subscription once, duplicates in the same batch included, and share transactions', async () => {
    await createPlan(world.server, world.account, {
      max_activations: 2,
      stripe_price_monthly: 'price_tog_m',
    });
    const now = Date.now();
    const subscription = (i: number, k: number, status = 'active') => ({
      id: `sub_tog_${i}`,
      customer: `cus_tog_${i}`,
      price: 'price_tog_m',
      unitAmount: 1900,
      status,
      periodStart: new Date(now + k * 30 * DAY),
      periodEnd: new Date(now + (k + 1) * 30 * DAY),
    });
    const ids = Array.from({ length: COUNT }, (_, i) => i);
    for (const i of ids) {
      double.setCustomer(`cus_tog_${i}`, `tog${i}@buyer.test`);
      double.setSubscription(subscription(i, 0));
    }
    await Promise.all(
      ids.map((i) =>
        send(
          'checkout.session.completed',
          checkout(`cs_tog_${i}`, `sub_tog_${i}`, `cus_tog_${i}`, `tog${i}@buyer.test`),
        ),
      ),
    );
    await settled();

    // The next period paid for all but the last, which Stripe now has past due; every cue is sent twice
    // under different event ids (an invoice.paid and a subscription update), all at once.
    for (const i of ids) double.setSubscription(subscription(i, 1, i === COUNT - 1 ? 'past_due' : 'active'));
    const answers = await Promise.all(
      ids.flatMap((i) => [
        send('invoice.paid', invoice(`sub_tog_${i}`)),
        send('customer.subscription.updated', { id: `sub_tog_${i}`, object: 'subscription' }),
      ]),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await settled();

    const sql = world.server.ctx.db.sql;
    for (const i of ids.slice(0, -1)) {
      const state = await stateOf(`sub_tog_${i}`);
      expect(state).toMatchObject({ status: 'active', license_status: 'active' });
      expect(state!.period_end.getTime()).toBe(Math.floor((now + 60 * DAY) / 1000) * 1000);
      expect(state!.expires_at.getTime()).toBe(state!.period_end.getTime());
    }
    expect(await stateOf(`sub_tog_${COUNT - 1}`)).toMatchObject({ status: 'past_due' });
    const events = await sql<{ type: string; n: number }[]>`
      select type, count(*)::int as n from events
      where account_id = ${world.account.accountId} and type in ('subscription.renewed', 'subscription.past_due')
      group by type order by type`;
    expect(events).toEqual([
      { type: 'subscription.past_due', n: 1 },
      { type: 'subscription.renewed', n: COUNT - 1 },
    ]);
    const [events2] = await sql<{ applied: number; other: number }[]>`
      select count(*) filter (where status = 'applied')::int as applied,
        count(*) filter (where status <> 'applied')::int as other
      from stripe_events where account_id = ${world.account.accountId}`;
    expect(events2).toEqual({ applied: COUNT * 3, other: 0 });
    // Rows written by one transaction carry its id (xmin): some renewals shared one.
    const [shared] = await sql<{ largest: number }[]>`
      select max(n)::int as largest from (
        select xmin::text, count(*) as n from subscriptions
        where account_id = ${world.account.accountId} and status = 'active' group by xmin::text) t`;
    expect(shared!.largest).toBeGreaterThan(1);
  });
});
