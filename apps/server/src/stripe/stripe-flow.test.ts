import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan, customerSession } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { decodedMail, TestSmtp } from '../../test/support/smtp.js';
import { StripeDouble } from '../../test/support/stripe-double.js';
import { stripeEvents } from '../../test/support/stripe-events.js';
import type { Config } from '../config/config.js';

// Selling through Stripe, end to end: signed webhook events (the library's own test-header helper) are
// cues; Keyward reads the subscription's current state from "Stripe" — here the project's one test
// double, a local server standing in for the two Stripe endpoints it calls — and drives the customer,
// order, subscription and license from it, emailing the customer over a real SMTP server.
const SECRET = 'whsec_test_keyward_flow';
const smtp = new TestSmtp();
const double = new StripeDouble();
const config: Partial<Config> = { stripeSecretKey: 'sk_test_keyward', stripeWebhookSecret: SECRET };
beforeAll(async () => {
  await smtp.start();
  config.smtpUrl = smtp.url;
  config.stripeApiUrl = await double.start();
});
afterAll(async () => {
  await smtp.stop();
  await double.stop();
});
const world = useServer({ config });
const { send, checkout, invoice, settled, stateOf } = stripeEvents(world, SECRET);
const DAY = 86_400_000;

async function owner() {
  return world.account.token('owner');
}

describe('Stripe, end to end', () => {
  it('checkout → license emailed → payment fails → dunning → unpaid suspends → paid reinstates', async () => {
    await createPlan(world.server, world.account, {
      max_activations: 3,
      stripe_price_monthly: 'price_pro_m',
    });
    const now = Date.now();
    double.setCustomer('cus_ada', 'ada@buyer.test', 'Ada Byron');
    const sub = {
      id: 'sub_ada',
      customer: 'cus_ada',
      price: 'price_pro_m',
      unitAmount: 4900,
      quantity: 2,
      status: 'active',
      periodStart: new Date(now),
      periodEnd: new Date(now + 30 * DAY),
    };
    double.setSubscription(sub);

    // The same checkout event five times at once: one order, one license.
    const event = `evt_checkout_ada_${now}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        send('checkout.session.completed', checkout('cs_ada', 'sub_ada', 'cus_ada', 'ada@buyer.test'), event),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await settled();
    let state = await stateOf('sub_ada');
    expect(state).toMatchObject({ status: 'active', license_status: 'active', seats: 6, quantity: 2 });
    expect(state!.period_end.getTime()).toBe(Math.floor((now + 30 * DAY) / 1000) * 1000);
    const orders = await world.server.request('GET', '/api/v1/orders?status=fulfilled', {
      token: await owner(),
    });
    const order = orders.body.data.find(
      (o: { payment_reference: string }) => o.payment_reference === 'cs_ada',
    );
    expect(order).toMatchObject({ payment_provider: 'stripe', total_cents: 9800 });
    expect(
      orders.body.data.filter((o: { payment_reference: string }) => o.payment_reference === 'cs_ada'),
    ).toHaveLength(1);
    const mailTo = (subject: string) =>
      expect
        .poll(
          () =>
            smtp.received.some(
              (m) => m.to.includes('ada@buyer.test') && decodedMail(m.raw).includes(subject),
            ),
          {
            timeout: 10_000,
          },
        )
        .toBe(true);
    await mailTo('license key');

    // The payment fails: past due, the dunning window starts; the license keeps working.
    double.setSubscription({ ...sub, status: 'past_due' });
    await send('invoice.payment_failed', invoice('sub_ada'));
    await settled();
    state = await stateOf('sub_ada');
    expect(state).toMatchObject({ status: 'past_due', license_status: 'active' });
    expect(state!.dunning).toBeTruthy();
    await mailTo('payment did not go through');

    // Stripe gives up retrying: unpaid suspends the subscription and its license.
    double.setSubscription({ ...sub, status: 'unpaid' });
    await send('customer.subscription.updated', { id: 'sub_ada', object: 'subscription' });
    await settled();
    expect(await stateOf('sub_ada')).toMatchObject({ status: 'suspended', license_status: 'suspended' });
    await mailTo('is suspended');

    // Paid at last: the next period, reinstated and extended.
    const next = {
      ...sub,
      status: 'active',
      periodStart: new Date(now + 30 * DAY),
      periodEnd: new Date(now + 60 * DAY),
    };
    double.setSubscription(next);
    await send('invoice.paid', invoice('sub_ada'));
    await settled();
    state = await stateOf('sub_ada');
    expect(state).toMatchObject({ status: 'active', license_status: 'active', dunning: null });
    expect(state!.expires_at.getTime()).toBe(Math.floor((now + 60 * DAY) / 1000) * 1000);
  }, 60_000);

  it('reaches the same state from the events in order, reversed and shuffled with duplicates', async () => {
    await createPlan(world.server, world.account, {
      max_activations: 1,
      stripe_price_annual: 'price_team_y',
    });
    const now = Date.now();
    const final = (id: string, customer: string) => ({
      id,
      customer,
      price: 'price_team_y',
      unitAmount: 90000,
      quantity: 5,
      status: 'active',
      periodStart: new Date(now),
      periodEnd: new Date(now + 365 * DAY),
      cancelAtPeriodEnd: true,
    });
    const runs = [
      ['in order', (e: number[]) => e],
      ['reversed', (e: number[]) => [...e].reverse()],
      ['shuffled, twice each', (e: number[]) => [2, 0, 3, 1, 3, 2, 0, 1].map((i) => e[i]!)],
    ] as const;
    const states = [];
    for (const [name, order] of runs) {
      const id = `sub_${name.replace(/\W/g, '')}`;
      const customer = `cus_${id}`;
      double.setCustomer(customer, `${id}@buyer.test`);
      double.setSubscription(final(id, customer));
      const events = [
        ['checkout.session.completed', checkout(`cs_${id}`, id, customer, `${id}@buyer.test`)],
        ['invoice.paid', invoice(id)],
        ['customer.subscription.updated', { id, object: 'subscription' }],
        ['customer.subscription.updated', { id, object: 'subscription' }],
      ] as const;
      const ids = events.map((_, i) => `evt_${id}_${i}_${now}`);
      for (const i of order([0, 1, 2, 3])) {
        const [type, object] = events[i]!;
        expect((await send(type, object, ids[i])).status).toBe(200);
      }
      await settled();
      const state = await stateOf(id);
      expect(state, name).toMatchObject({
        status: 'active',
        license_status: 'active',
        quantity: 5,
        seats: 5,
      });
      const [sub] = await world.server.ctx.db.sql<{ cancel_at_period_end: boolean }[]>`
        select cancel_at_period_end from subscriptions where external_ids->>'stripe_subscription' = ${id}`;
      states.push({ ...state, cancel_at_period_end: sub!.cancel_at_period_end });
    }
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
    expect(states[0]!.cancel_at_period_end).toBe(true);
  }, 90_000);

  it('keeps an event it cannot apply for staff, and applies it on retry once the price is mapped', async () => {
    const now = Date.now();
    double.setCustomer('cus_odd', 'odd@buyer.test');
    double.setSubscription({
      id: 'sub_odd',
      customer: 'cus_odd',
      price: 'price_unmapped',
      unitAmount: 100,
      status: 'active',
      periodStart: new Date(now),
      periodEnd: new Date(now + 30 * DAY),
    });
    const res = await send(
      'checkout.session.completed',
      checkout('cs_odd', 'sub_odd', 'cus_odd', 'odd@buyer.test'),
      `evt_odd_${now}`,
    );
    expect(res.status).toBe(200);
    await settled();
    const listed = await world.server.request('GET', '/api/v1/payment-events?status=needs_attention', {
      token: await owner(),
    });
    const entry = listed.body.data.find((e: { id: string }) => e.id === `evt_odd_${now}`);
    expect(entry.error).toContain('price_unmapped');
    await createPlan(world.server, world.account, { stripe_price_monthly: 'price_unmapped' });
    const retry = await world.server.request('POST', `/api/v1/payment-events/evt_odd_${now}/retry`, {
      token: await owner(),
    });
    expect(retry.status).toBe(202);
    await settled();
    expect(await stateOf('sub_odd')).toMatchObject({ status: 'active', license_status: 'active' });
  }, 60_000);

  it('suspends what a fully refunded or disputed payment bought and flags it for review', async () => {
    const plan = await createPlan(world.server, world.account, {
      license_type: 'perpetual',
      max_activations: 1,
    });
    const now = Date.now();
    double.setCustomer('cus_once', 'once@buyer.test');
    await send('checkout.session.completed', {
      id: 'cs_once',
      object: 'checkout.session',
      mode: 'payment',
      customer: 'cus_once',
      payment_intent: 'pi_once',
      currency: 'usd',
      amount_subtotal: 19900,
      customer_details: { email: 'once@buyer.test' },
      metadata: { keyward_account_id: world.account.accountId, keyward_plan_id: plan.id },
    });
    await settled();
    const [license] = await world.server.ctx.db.sql<{ id: string; status: string }[]>`
      select l.id, l.status from licenses l join orders o on o.id = l.order_id where o.payment_reference = 'cs_once'`;
    expect(license!.status).toBe('active');
    const charge = { id: 'ch_once', object: 'charge', payment_intent: 'pi_once', customer: 'cus_once' };
    await send('charge.refunded', { ...charge, refunded: false, amount_refunded: 100 });
    await settled();
    expect(
      (await world.server.request('GET', `/api/v1/licenses/${license!.id}`, { token: await owner() })).body
        .status,
    ).toBe('active');

    const refund = `evt_refund_${now}`;
    await send('charge.refunded', { ...charge, refunded: true }, refund);
    await settled();
    expect(
      (await world.server.request('GET', `/api/v1/licenses/${license!.id}`, { token: await owner() })).body
        .status,
    ).toBe('suspended');
    const flagged = await world.server.request('GET', '/api/v1/payment-events?status=needs_attention', {
      token: await owner(),
    });
    expect(flagged.body.data.find((e: { id: string }) => e.id === refund).error).toMatch(
      /refunded .*review.*suspended/,
    );

    // A dispute over a subscription's payment: its customer's one Stripe subscription is suspended.
    double.setCustomer('cus_dispute', 'dispute@buyer.test');
    double.setSubscription({
      id: 'sub_dispute',
      customer: 'cus_dispute',
      price: 'price_pro_m',
      unitAmount: 4900,
      status: 'active',
      periodStart: new Date(now),
      periodEnd: new Date(now + 30 * DAY),
    });
    await send(
      'checkout.session.completed',
      checkout('cs_dispute', 'sub_dispute', 'cus_dispute', 'dispute@buyer.test'),
    );
    await settled();
    await send('charge.refunded', {
      id: 'ch_renewal',
      object: 'charge',
      payment_intent: 'pi_renewal',
      customer: 'cus_dispute',
      refunded: true,
    });
    await settled();
    expect(await stateOf('sub_dispute')).toMatchObject({ status: 'suspended', license_status: 'suspended' });
  }, 60_000);

  it("opens Checkout for a plan's Stripe price (staff link, portal Buy) and Stripe's billing portal", async () => {
    const plan = await createPlan(world.server, world.account, {
      stripe_price_annual: 'price_sell_y',
      public: true,
    });
    const unmapped = await createPlan(world.server, world.account, { public: true });
    const customer = await world.server.request('POST', '/api/v1/customers', {
      token: await owner(),
      body: { email: 'lead@buyer.test' },
    });
    const staff = await world.server.request('POST', '/api/v1/checkout-sessions', {
      token: await world.account.token('sales'),
      body: { plan_id: plan.id, billing_cycle: 'annual', quantity: 4, customer_id: customer.body.id },
    });
    expect(staff.status, JSON.stringify(staff.body)).toBe(201);
    expect(staff.body.url).toMatch(/^https:\/\/checkout\.stripe\.test\/cs_test_/);
    const asked = double.created.at(-1)!.fields;
    expect(asked).toMatchObject({
      mode: 'subscription',
      'line_items[0][price]': 'price_sell_y',
      'line_items[0][quantity]': '4',
      customer_email: 'lead@buyer.test',
      'metadata[keyward_account_id]': world.account.accountId,
      'metadata[keyward_customer_id]': customer.body.id,
      'subscription_data[metadata][keyward_plan_id]': plan.id,
    });

    const slug = world.account.slug;
    const portal = await world.server.request('POST', '/api/v1/portal/checkout', {
      body: { account: slug, plan_id: plan.id, billing_cycle: 'annual' },
    });
    expect(portal.status, JSON.stringify(portal.body)).toBe(201);
    const monthly = await world.server.request('POST', '/api/v1/portal/checkout', {
      body: { account: slug, plan_id: plan.id, billing_cycle: 'monthly' },
    });
    expect(monthly.status).toBe(422);
    expect(monthly.body.error.message).toContain('stripe_price_monthly');
    const none = await world.server.request('POST', '/api/v1/portal/checkout', {
      body: { account: slug, plan_id: unmapped.id, billing_cycle: 'annual' },
    });
    expect(none.status).toBe(422);

    const refused = await createPlan(world.server, world.account, {
      stripe_price_annual: 'price_missing',
      public: true,
    });
    const bad = await world.server.request('POST', '/api/v1/portal/checkout', {
      body: { account: slug, plan_id: refused.id, billing_cycle: 'annual' },
    });
    expect(bad.status).toBe(502);
    expect(bad.body.error).toMatchObject({ code: 'PAYMENT_PROVIDER_ERROR' });
    expect(bad.body.error.message).toContain('No such price');

    const notYet = await world.server.request(
      'POST',
      `/api/v1/customers/${customer.body.id}/billing-portal`,
      {
        token: await owner(),
      },
    );
    expect(notYet.status).toBe(409);
    const [buyer] = await world.server.ctx.db.sql<{ id: string }[]>`
      select id from customers where account_id = ${world.account.accountId} and external_ids->>'stripe_customer' = 'cus_ada'`;
    const billing = await world.server.request('POST', `/api/v1/customers/${buyer!.id}/billing-portal`, {
      token: await owner(),
    });
    expect(billing.status).toBe(201);
    expect(billing.body.url).toMatch(/^https:\/\/billing\.stripe\.test\//);
    expect(double.created.at(-1)).toMatchObject({ kind: 'billing_portal', fields: { customer: 'cus_ada' } });

    // The signed-in customer: Buy (or Upgrade) is bought as them, and their own billing portal.
    const session = await customerSession(world.server, world.account.accountId, buyer!.id);
    const mine = await world.server.request('POST', '/api/v1/portal/me/checkout', {
      token: session,
      body: { plan_id: plan.id, billing_cycle: 'annual' },
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(double.created.at(-1)!.fields).toMatchObject({
      customer: 'cus_ada',
      'metadata[keyward_customer_id]': buyer!.id,
      success_url: `${world.server.ctx.config.publicUrl}/portal/account?checkout=success`,
    });
    const own = await world.server.request('POST', '/api/v1/portal/me/billing-portal', { token: session });
    expect(own.status).toBe(201);
    expect(double.created.at(-1)).toMatchObject({ kind: 'billing_portal', fields: { customer: 'cus_ada' } });
    const leadSession = await customerSession(world.server, world.account.accountId, customer.body.id);
    const nothingYet = await world.server.request('POST', '/api/v1/portal/me/billing-portal', {
      token: leadSession,
    });
    expect(nothingYet.status).toBe(409);
  });
});
