import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import {
  browserRunsOn,
  ensureBuilt,
  launchChromium,
  newWatchedPage,
  signInToDashboard,
} from '../support/builds.js';
import { createPlan } from '../support/fixtures.js';
import { useServer } from '../support/server.js';
import { StripeDouble } from '../support/stripe-double.js';
import { stripeEvents } from '../support/stripe-events.js';

// The portal's pricing cards sell a plan through Stripe Checkout: "Buy" appears for a plan whose price is
// mapped for the chosen cycle, and takes the visitor to the Checkout page Keyward asked Stripe for — here
// the project's one test double stands in for Stripe's API, and the browser's request to Stripe's
// checkout host is answered locally (Stripe cannot be reached from here).
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

describe.runIf(browserRunsOn('postgres'))('portal: Buy through Stripe Checkout', () => {
  const double = new StripeDouble();
  const config: Partial<Config> = { stripeSecretKey: 'sk_test_portal', stripeWebhookSecret: 'whsec_portal' };
  beforeAll(async () => {
    ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']);
    mkdirSync(SHOTS, { recursive: true });
    config.stripeApiUrl = await double.start();
  }, 180_000);
  const world = useServer({ web: true, config });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await double.stop();
  });

  it('shows Buy for a plan sold for the cycle and opens its Checkout', async () => {
    const sold = await createPlan(world.server, world.account, {
      name: 'Studio',
      public: true,
      popular: true,
      stripe_price_monthly: 'price_studio_m',
    });
    await createPlan(world.server, world.account, { name: 'Enterprise', public: true, rank: 9 });
    const errors: string[] = [];
    const page = await newWatchedPage(browser, errors);
    await page.route('https://checkout.stripe.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>Stripe Checkout</title><h1>Pay Keyward</h1>',
      }),
    );
    await page.goto(`${world.server.url}/portal/?account=${world.account.slug}`);
    await page.getByRole('heading', { name: 'Studio' }).waitFor();
    expect(await page.getByRole('button', { name: 'Buy Studio' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Buy Enterprise' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}portal-buy-01-pricing.png`, fullPage: true });
    // Yearly: no price mapped, no button.
    await page.getByRole('radio', { name: /Yearly/ }).check({ force: true });
    expect(await page.getByRole('button', { name: 'Buy Studio' }).count()).toBe(0);
    await page.getByRole('radio', { name: /Monthly/ }).check({ force: true });

    await page.getByRole('button', { name: 'Buy Studio' }).click();
    await page.waitForURL(/checkout\.stripe\.test\/cs_test_/);
    expect(await page.title()).toBe('Stripe Checkout');
    const asked = double.created.at(-1)!;
    expect(asked).toMatchObject({
      kind: 'checkout',
      fields: {
        'line_items[0][price]': 'price_studio_m',
        'metadata[keyward_plan_id]': sold.id,
        'metadata[keyward_account_id]': world.account.accountId,
      },
    });
    expect(asked.fields.success_url).toContain('/portal?checkout=success');
    expect(errors).toEqual([]);
  }, 60_000);

  it("maps a plan's Stripe price in the plan editor, and retries the event that needed it", async () => {
    const events = stripeEvents(world, 'whsec_portal');
    const plan = await createPlan(world.server, world.account, { name: 'Latecomer' });
    double.setCustomer('cus_late', 'late@buyer.test');
    const now = Date.now();
    double.setSubscription({
      id: 'sub_late',
      customer: 'cus_late',
      price: 'price_late_m',
      unitAmount: 2900,
      quantity: 1,
      status: 'active',
      periodStart: new Date(now),
      periodEnd: new Date(now + 30 * 86_400_000),
    });
    // Its price is not mapped to any plan yet: kept, answered 2xx, and flagged.
    const answer = await events.send(
      'checkout.session.completed',
      events.checkout('cs_late', 'sub_late', 'cus_late', 'late@buyer.test'),
    );
    expect(answer.status).toBe(200);
    await events.settled();

    const errors: string[] = [];
    const page = await signInToDashboard(
      browser,
      world.server.url,
      world.account.ownerEmail,
      world.account.ownerPassword,
      errors,
    );
    await page.getByRole('link', { name: 'Orders' }).first().click();
    const log = page.getByRole('region', { name: 'Payment events' });
    await log.getByText('Needs attention', { exact: true }).waitFor();
    await log.getByText('No plan is mapped to Stripe price price_late_m').waitFor();
    await page.screenshot({ path: `${SHOTS}portal-buy-02-needs-attention.png`, fullPage: true });

    await page.getByRole('link', { name: 'Plans' }).first().click();
    await page.getByRole('button', { name: 'Edit Latecomer' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit Latecomer' });
    await editor.getByLabel('Stripe price, monthly').fill('price_late_m');
    await editor.screenshot({ path: `${SHOTS}portal-buy-03-plan-stripe-price.png` });
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'hidden' });
    const [saved] = await world.server.ctx.db.sql<{ stripe_price_monthly: string }[]>`
      select stripe_price_monthly from plans where id = ${plan.id}`;
    expect(saved!.stripe_price_monthly).toBe('price_late_m');

    await page.getByRole('link', { name: 'Orders' }).first().click();
    await log.getByRole('button', { name: 'Retry' }).click();
    await events.settled();
    await log.getByText('Applied', { exact: true }).waitFor();
    const [license] = await world.server.ctx.db.sql<{ status: string }[]>`
      select status from licenses where account_id = ${world.account.accountId} and plan_id = ${plan.id}`;
    expect(license!.status).toBe('active');
    await page.screenshot({ path: `${SHOTS}portal-buy-04-retried.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 90_000);
});
