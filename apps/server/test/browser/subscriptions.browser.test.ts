import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserRunsOn, ensureBuilt, launchChromium, signInToDashboard } from '../support/builds.js';
import { createCustomer, createPlan } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Subscriptions in the dashboard: one is created from the list's form (its license key shown once), then
// its page drives it through the state machine (payment failed, payment recorded, more seats, canceled
// now, reactivated) and shows what each step did to the license it owns. Support staff see no actions.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const DAY = 86_400_000;

let browser: Browser;
let page: Page;
const errors: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: `${SHOTS}subscriptions-${name}.png`, fullPage: true });
}

/** A new browser context signed in as `email` (its errors collected in `errors`). */
const signIn = (base: string, email: string, password: string) =>
  signInToDashboard(browser, base, email, password, errors);

describe.runIf(browserRunsOn('postgres'))('subscriptions in a browser', () => {
  beforeAll(() => {
    ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']);
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  const world = useServer({ web: true });
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await shot('failure').catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates a subscription, then pays, fails, resizes, cancels and reactivates it', async () => {
    const base = world.server.url;
    const token = await world.account.token();
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await world.server.request(method, path, { token, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    const plan = await createPlan(world.server, world.account, {
      name: 'Team',
      max_activations: 2,
      dunning_days: 10,
    });
    const customer = await createCustomer(world.server, world.account, { company_name: 'Subscriber Ltd' });
    page = await signIn(base, world.account.ownerEmail, world.account.ownerPassword);

    // The plan editor shows the dunning window and saves a new one.
    await page.getByRole('link', { name: 'Plans' }).first().click();
    await page.getByRole('button', { name: 'Edit Team' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit Team' });
    expect(await editor.getByLabel('Dunning window (days)').inputValue()).toBe('10');
    await editor.getByLabel('Dunning window (days)').fill('21');
    await editor.getByRole('button', { name: 'Save plan' }).click();
    await page.getByRole('status').filter({ hasText: 'Plan saved' }).waitFor();
    expect((await api('GET', `/api/v1/plans/${plan.id}`)).dunning_days).toBe(21);

    // New subscription from the list: the form, then the key of the license it issued, shown once.
    await page.getByRole('link', { name: 'Subscriptions' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Subscriptions' }).waitFor();
    await page.getByRole('button', { name: 'New subscription' }).click();
    const form = page.getByRole('dialog', { name: 'New subscription' });
    await form.getByLabel('Customer email').fill(customer.email);
    await form.getByLabel('Plan').selectOption({ label: `Team (${plan.code})` });
    await form.getByLabel('Billing cycle').selectOption('annual');
    await shot('01-new');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    const created = page.getByRole('dialog', { name: 'Subscription created' });
    const key = (await created.getByTestId('issued-license-key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    await created.getByText('this is the only time it is shown').waitFor();
    await created.getByRole('button', { name: 'Copy key' }).waitFor();
    await shot('02-key-once');
    const [subscription] = (
      await api('GET', `/api/v1/subscriptions?customer_id=${customer.id}&limit=5&offset=0`)
    ).data;
    expect(subscription).toMatchObject({ status: 'active', billing_cycle: 'annual', quantity: 1 });
    const owned = await api('GET', `/api/v1/licenses?subscription_id=${subscription.id}&limit=5&offset=0`);
    expect(owned.data).toHaveLength(1);
    const license = owned.data[0];
    expect(key.endsWith(license.key_last4)).toBe(true);
    expect(license.max_activations).toBe(2);

    // Its page: the plan, the status, the customer and the license it owns (the key is not shown again).
    await created.getByRole('link', { name: 'Open the subscription' }).click();
    await page.getByRole('heading', { level: 1, name: /Team subscription/ }).waitFor();
    const status = page.getByTestId('subscription-status');
    await expect.poll(() => status.textContent()).toBe('Active');
    await page.getByRole('link', { name: 'Subscriber Ltd' }).first().waitFor();
    const licenses = page.getByRole('table', { name: 'Licenses of this subscription' });
    const row = licenses.getByRole('row').filter({ hasText: license.key_masked });
    await row.getByRole('link', { name: license.key_masked }).waitFor();
    await row.getByText('Active').waitFor();
    await row.getByRole('cell', { name: '2', exact: true }).waitFor();
    expect(await page.getByText(key).count()).toBe(0);
    await page.getByRole('cell', { name: 'subscription.created' }).waitFor();
    await shot('03-detail');

    // Mark payment failed: past due for the plan's dunning window; the license keeps working.
    await page.getByRole('button', { name: 'Mark payment failed' }).click();
    const failed = page.getByRole('alertdialog', { name: 'Mark payment failed?' });
    await failed.getByText('On the Team plan that is 21 days.').waitFor();
    await failed.getByRole('button', { name: 'Mark payment failed' }).click();
    await page.getByRole('status').filter({ hasText: 'Mark payment failed: done' }).waitFor();
    await expect.poll(() => status.textContent()).toBe('Past due');
    await page.getByRole('note').filter({ hasText: 'A payment failed' }).waitFor();
    await row.getByText('Active').waitFor();
    const pastDue = await api('GET', `/api/v1/subscriptions/${subscription.id}`);
    expect(pastDue.status).toBe('past_due');
    expect(Date.parse(pastDue.dunning_ends_at) - Date.now()).toBeGreaterThan(20 * DAY);
    await shot('04-past-due');

    // Record payment: active again, the period moves on by a year.
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page
      .getByRole('alertdialog', { name: 'Record payment?' })
      .getByRole('button', { name: 'Record payment' })
      .click();
    await expect.poll(() => status.textContent()).toBe('Active');
    expect(await page.getByRole('note').count()).toBe(0);
    const renewed = await api('GET', `/api/v1/subscriptions/${subscription.id}`);
    expect(renewed.dunning_ends_at).toBeNull();
    expect(
      Date.parse(renewed.current_period_end) - Date.parse(subscription.current_period_end),
    ).toBeGreaterThan(360 * DAY);

    // More seats: 3 × the plan's 2, on the license too.
    await page.getByRole('button', { name: 'Change plan or seats' }).click();
    const change = page.getByRole('alertdialog', { name: 'Change plan or seats?' });
    await change.getByLabel('Quantity').fill('3');
    await change.getByRole('button', { name: 'Change plan or seats' }).click();
    await page.getByTestId('subscription-seats').getByText('6 per license (2 × 3)').waitFor();
    await row.getByRole('cell', { name: '6', exact: true }).waitFor();
    expect((await api('GET', `/api/v1/licenses/${license.id}`)).max_activations).toBe(6);
    await shot('05-seats');

    // Cancel now: the license is suspended at once.
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const cancel = page.getByRole('alertdialog', { name: 'Cancel?' });
    expect(await cancel.getByRole('radio', { name: /At the end of the period/ }).isChecked()).toBe(true);
    await cancel.getByRole('radio', { name: 'Now' }).check();
    await cancel.getByLabel('Reason (optional)').fill('customer left');
    await cancel.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => status.textContent()).toBe('Canceled');
    await row.getByText('Suspended').waitFor();
    await page.getByText('Active → Canceled (customer left)').waitFor();
    expect(await page.getByRole('button', { name: 'Record payment' }).count()).toBe(0);
    const suspended = await api('GET', `/api/v1/licenses/${license.id}`);
    expect(suspended).toMatchObject({ status: 'suspended', status_reason: 'subscription_canceled' });
    await shot('06-canceled');

    // Reactivate: active, and so is the license.
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page
      .getByRole('alertdialog', { name: 'Reactivate?' })
      .getByRole('button', { name: 'Reactivate' })
      .click();
    await expect.poll(() => status.textContent()).toBe('Active');
    await row.getByText('Active').waitFor();
    expect((await api('GET', `/api/v1/licenses/${license.id}`)).status).toBe('active');
    for (const type of ['subscription.past_due', 'subscription.renewed', 'subscription.plan_changed'])
      await page.getByRole('cell', { name: type }).waitFor();
    await shot('07-reactivated');

    // A stale page: canceled behind its back, the next action is refused (409) with the server's words,
    // and the page catches up with what the subscription now is.
    await api('POST', `/api/v1/subscriptions/${subscription.id}/cancel`, { at_period_end: false });
    await page.getByRole('button', { name: 'Mark payment failed' }).click();
    const stale = page.getByRole('alertdialog', { name: 'Mark payment failed?' });
    const before = errors.length;
    await stale.getByRole('button', { name: 'Mark payment failed' }).click();
    await stale
      .getByRole('alert')
      .filter({ hasText: 'Cannot mark past due a subscription that is canceled' })
      .waitFor();
    await expect.poll(() => status.textContent()).toBe('Canceled');
    await shot('08-refused');
    await stale.getByRole('button', { name: 'Back' }).click();
    const refused = errors.splice(before); // the 409 response and the browser's log of it
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.includes('409'))).toBe(true);

    // The list names the customer and links to the subscription.
    await page.getByRole('link', { name: '← All subscriptions' }).click();
    const listed = page
      .getByRole('table', { name: 'Subscriptions' })
      .getByRole('row')
      .filter({ hasText: 'Subscriber Ltd' });
    await listed.getByText(customer.email).waitFor();
    await listed.getByText('Canceled').waitFor();
    await listed.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { level: 1, name: /Team subscription/ }).waitFor();
    expect(page.url()).toBe(`${base}/admin/subscriptions/${subscription.id}`);

    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('starts a trial from the form; support staff see no actions', async () => {
    const base = world.server.url;
    const token = await world.account.token();
    const plan = await createPlan(world.server, world.account, { name: 'Starter', max_activations: 1 });
    const customer = await createCustomer(world.server, world.account, { company_name: 'Trial Co' });
    page = await signIn(base, world.account.ownerEmail, world.account.ownerPassword);
    await page.getByRole('link', { name: 'Subscriptions' }).first().click();
    await page.getByRole('button', { name: 'New subscription' }).click();
    const form = page.getByRole('dialog', { name: 'New subscription' });
    await form.getByLabel('Customer email').fill(customer.email);
    await form.getByLabel('Plan').selectOption({ label: `Starter (${plan.code})` });
    await form.getByLabel('Start with a trial').check();
    const trialEnds = await form.getByLabel('Trial ends').inputValue(); // the plan's 14 days by default
    await form.getByRole('button', { name: 'Create subscription' }).click();
    const created = page.getByRole('dialog', { name: 'Subscription created' });
    await created.getByTestId('issued-license-key').waitFor();
    await created.getByRole('link', { name: 'Open the subscription' }).click();
    const status = page.getByTestId('subscription-status');
    await expect.poll(() => status.textContent()).toBe('Trialing');
    await page.getByText('Trial ends').waitFor();
    const id = page.url().split('/').pop()!;
    const trial = await world.server.request('GET', `/api/v1/subscriptions/${id}`, { token });
    expect(trial.body.status).toBe('trialing');
    const ends = new Date(trial.body.trial_ends_at);
    const local = `${ends.getFullYear()}-${String(ends.getMonth() + 1).padStart(2, '0')}-${String(ends.getDate()).padStart(2, '0')}`;
    expect(local).toBe(trialEnds);
    // Record payment converts the trial.
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page
      .getByRole('alertdialog', { name: 'Record payment?' })
      .getByRole('button', { name: 'Record payment' })
      .click();
    await expect.poll(() => status.textContent()).toBe('Active');
    await page.getByRole('cell', { name: 'subscription.trial_converted' }).waitFor();
    await page.context().close();

    // Support may read subscriptions but not change them: no actions, no form.
    await world.account.token('support'); // creates support@<slug>.test with the owner's password
    page = await signIn(base, `support@${world.account.slug}.test`, world.account.ownerPassword);
    await page.goto(`${base}/admin/subscriptions/${id}`);
    await expect.poll(() => page.getByTestId('subscription-status').textContent()).toBe('Active');
    await page
      .getByRole('table', { name: 'Licenses of this subscription' })
      .getByRole('link')
      .first()
      .waitFor();
    for (const name of ['Record payment', 'Mark payment failed', 'Suspend', 'Cancel', 'Change plan or seats'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    await page.getByRole('link', { name: '← All subscriptions' }).click();
    await page.getByRole('table', { name: 'Subscriptions' }).getByText('Trial Co').first().waitFor();
    expect(await page.getByRole('button', { name: 'New subscription' }).count()).toBe(0);
    await shot('09-support');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
