import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { CHROMIUM, ensureBuilt, launchChromium, newWatchedPage } from '../support/builds.js';
import { createPlan } from '../support/fixtures.js';
import { useServer } from '../support/server.js';
import { StripeDouble } from '../support/stripe-double.js';

// The portal's pricing cards sell a plan through Stripe Checkout: "Buy" appears for a plan whose price is
// mapped for the chosen cycle, and takes the visitor to the Checkout page Keyward asked Stripe for — here
// the project's one test double stands in for Stripe's API, and the browser's request to Stripe's
// checkout host is answered locally (Stripe cannot be reached from here).
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

describe.skipIf(!existsSync(CHROMIUM))('portal: Buy through Stripe Checkout', () => {
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
});
