import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan } from '../../test/support/fixtures.js';
import { lifecyclePass } from '../../test/support/lifecycle.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { decodedMail, TestSmtp } from '../../test/support/smtp.js';
import { StripeDouble } from '../../test/support/stripe-double.js';
import { stripeEvents } from '../../test/support/stripe-events.js';
import type { Config } from '../config/config.js';

// Issue L, on a fixed clock: checkout → paid → license issued and emailed → payment fails → Keyward's
// own dunning window (the plan's dunning_days) runs out and the lifecycle pass suspends → paid →
// reinstated, with the license's state and the customer's emails (a real SMTP server) at each step.
// Stripe is the project's one test double (test/support/stripe-double.ts).
const SECRET = 'whsec_test_keyward_dunning';
const DAY = 86_400_000;
const smtp = new TestSmtp();
const double = new StripeDouble();
const clock = new FixedClock(new Date());
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
const world = useServer({ config, clock });
const { send, checkout, invoice, settled, stateOf } = stripeEvents(world, SECRET);

/** The subjects of the mails sent to `to`, in order, once `count` have arrived. */
async function subjectsTo(to: string, count: number) {
  const subjects = () =>
    smtp.received
      .filter((m) => m.to.includes(to))
      .map((m) => /^Subject: (.*)$/m.exec(decodedMail(m.raw))?.[1] ?? '');
  await expect.poll(() => subjects().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  return subjects();
}

describe('dunning on a fixed clock', () => {
  it('suspends when the window ends unpaid and reinstates on payment, mailing the customer each time', async () => {
    await createPlan(world.server, world.account, {
      name: 'Pro',
      max_activations: 2,
      dunning_days: 7,
      stripe_price_monthly: 'price_dunning_m',
    });
    const start = clock.now().getTime();
    const email = 'grace@buyer.test';
    double.setCustomer('cus_grace', email, 'Grace Hopper');
    const sub = {
      id: 'sub_grace',
      customer: 'cus_grace',
      price: 'price_dunning_m',
      unitAmount: 4900,
      quantity: 1,
      status: 'active',
      periodStart: new Date(start),
      periodEnd: new Date(start + 30 * DAY),
    };
    double.setSubscription(sub);

    // Checkout: customer, paid order, subscription and license; the key and the receipt by email.
    await send('checkout.session.completed', checkout('cs_grace', 'sub_grace', 'cus_grace', email));
    await settled();
    expect(await stateOf('sub_grace')).toMatchObject({ status: 'active', license_status: 'active' });
    let subjects = await subjectsTo(email, 2);
    expect(subjects.join(' | ')).toMatch(/license key/);
    expect(subjects.join(' | ')).toMatch(/receipt for order #\d+/);

    // At the period's end the payment fails: past due, a 7-day window; the license keeps working.
    clock.set(new Date(start + 30 * DAY + 3_600_000));
    double.setSubscription({ ...sub, status: 'past_due' });
    await send('invoice.payment_failed', invoice('sub_grace'));
    await settled();
    let state = await stateOf('sub_grace');
    expect(state).toMatchObject({ status: 'past_due', license_status: 'active' });
    expect(state!.dunning!.getTime()).toBe(clock.now().getTime() + 7 * DAY);
    subjects = await subjectsTo(email, 3);
    expect(subjects[2]).toMatch(/payment did not go through/);

    // Six days on, still inside the window: the license keeps working, and the customer is reminded.
    clock.set(new Date(state!.dunning!.getTime() - DAY));
    await lifecyclePass(world.server, world.account.accountId);
    expect(await stateOf('sub_grace')).toMatchObject({ status: 'past_due', license_status: 'active' });
    subjects = await subjectsTo(email, 4);
    expect(subjects[3]).toMatch(/license ends in 1 day/);

    // The window ends unpaid: the pass suspends the subscription and its license, and says so.
    clock.set(new Date(state!.dunning!.getTime() + 60_000));
    await lifecyclePass(world.server, world.account.accountId);
    expect(await stateOf('sub_grace')).toMatchObject({ status: 'suspended', license_status: 'suspended' });
    subjects = await subjectsTo(email, 5);
    expect(subjects[4]).toMatch(/license is suspended/);

    // Paid at last: the next period; reinstated, extended and mailed.
    double.setSubscription({
      ...sub,
      status: 'active',
      periodStart: new Date(start + 30 * DAY),
      periodEnd: new Date(start + 60 * DAY),
    });
    await send('invoice.paid', invoice('sub_grace'));
    await settled();
    state = await stateOf('sub_grace');
    expect(state).toMatchObject({ status: 'active', license_status: 'active', dunning: null });
    expect(state!.expires_at.getTime()).toBe(Math.floor((start + 60 * DAY) / 1000) * 1000);
    subjects = await subjectsTo(email, 6);
    expect(subjects.slice(5).join(' | ')).toMatch(/license works again|license is renewed/);
  }, 90_000);
});
