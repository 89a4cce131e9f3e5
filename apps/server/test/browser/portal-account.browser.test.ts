import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { browserRunsOn, ensureBuilt, launchChromium, newWatchedPage } from '../support/builds.js';
import { activate, createCustomer, createPlan, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';
import { linkMailedTo, TestSmtp } from '../support/smtp.js';

// Issue L: a customer signs in to the portal by an email link (mailed through a real SMTP server), sees
// their two licenses with keys and the trial banner, frees a device, and cannot open another customer's
// license by its id.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

describe.runIf(browserRunsOn('embedded'))('portal: a customer account', () => {
  const smtp = new TestSmtp();
  const config: Partial<Config> = {};
  beforeAll(async () => {
    ensureBuilt(WEB_DIR, 'dist/portal.html', ['src', 'portal.html']);
    mkdirSync(SHOTS, { recursive: true });
    await smtp.start();
    config.smtpUrl = smtp.url;
  }, 180_000);
  const world = useServer({ web: true, config });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await smtp.stop();
  });

  it('signs in by email link, shows my two licenses, frees a device, hides another customer’s license', async () => {
    const plan = await createPlan(world.server, world.account, {
      name: 'Studio',
      trial_allowed: true,
      trial_days: 14,
    });
    const me = await createCustomer(world.server, world.account, { first_name: 'Ada' });
    const other = await createCustomer(world.server, world.account);
    const paid = await issueLicense(world.server, world.account, { plan_id: plan.id, customer_id: me.id });
    const trial = await issueLicense(world.server, world.account, {
      plan_id: plan.id,
      customer_id: me.id,
      trial: true,
    });
    const theirs = await issueLicense(world.server, world.account, {
      plan_id: plan.id,
      customer_id: other.id,
    });
    await activate(world.server, paid.key, 'ada-laptop');

    const errors: string[] = [];
    const page = await newWatchedPage(browser, errors);
    await page.goto(`${world.server.url}/portal/sign-in?account=${world.account.slug}`);
    await page.getByLabel('Email').fill(me.email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('status').filter({ hasText: 'sign-in link is on its way' }).waitFor();
    await page.screenshot({ path: `${SHOTS}portal-account-01-link-sent.png`, fullPage: true });

    const { token, text } = await linkMailedTo(smtp, me.email, '/portal/sign-in');
    expect(text).toContain(`${world.server.ctx.config.publicUrl}/portal/sign-in#token=`);
    await page.goto(`${world.server.url}/portal/sign-in#token=${token}`);
    await page.waitForURL(/\/portal\/account$/);
    // The token left the address bar before the page moved on.
    expect(page.url()).not.toContain('token=');

    const cards = page.getByTestId('my-license');
    await expect.poll(() => cards.count()).toBe(2);
    const keys = await page.getByTestId('license-key').allTextContents();
    expect(keys.sort()).toEqual([paid.key, trial.key].sort());
    await expect
      .poll(() => page.getByTestId('trial-banner').textContent())
      .toMatch(/Studio trial has 14 days, starting when you first use it/);
    await page.screenshot({ path: `${SHOTS}portal-account-02-licenses.png`, fullPage: true });

    await cards.filter({ hasText: paid.key }).getByRole('link', { name: 'Devices and usage' }).click();
    await page.getByText('ada-laptop').waitFor();
    await page.getByRole('button', { name: 'Deactivate this device' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
    await page.getByText('No device uses this license.').waitFor();
    const [seat] = await world.server.ctx.db.sql<{ status: string }[]>`
      select status from activations where license_id = ${paid.id}`;
    expect(seat!.status).toBe('deactivated');
    await page.screenshot({ path: `${SHOTS}portal-account-03-device-freed.png`, fullPage: true });

    await page.goto(`${world.server.url}/portal/account/licenses/${theirs.id}`);
    await page.getByRole('heading', { name: 'License not found' }).waitFor();
    expect(await page.getByText(theirs.key).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}portal-account-04-not-mine.png`, fullPage: true });
    // The one refusal logged is that 404.
    expect(errors.every((e) => e.includes('404'))).toBe(true);
  }, 90_000);
});
