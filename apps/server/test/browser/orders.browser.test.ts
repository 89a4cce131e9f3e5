import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserRunsOn, ensureBuilt, launchChromium, signInToDashboard } from '../support/builds.js';
import { createCustomer, createPlan } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Orders in the dashboard, and the email switches of Settings. An email turned off stays off; an order
// with a monthly and a one-time line is created from the list's form (a refused discount shown under its
// field), submitted, paid with a reference (the keys of its licenses shown once), opened as a receipt, and
// links to what it issued. Approval and refund are an owner's: sales staff do not see them. Without Stripe
// keys the payment events say so calmly.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const KEY = /^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/;

let browser: Browser;
let page: Page;
const errors: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: `${SHOTS}orders-${name}.png`, fullPage: true });
}

/** Takes the errors a step expects out of `errors` (they must all match `expected`), leaving the rest. */
function expectedErrors(from: number, expected: RegExp) {
  const taken = errors.splice(from);
  expect(taken.length, 'the expected refusal was seen').toBeGreaterThan(0);
  for (const e of taken) expect(e).toMatch(expected);
}

const signIn = (base: string, email: string, password: string) =>
  signInToDashboard(browser, base, email, password, errors);

describe.runIf(browserRunsOn('postgres'))('orders in a browser', () => {
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

  /** The owner's API, failing the test on any refusal. */
  const ownerApi = async (method: string, path: string, body?: unknown) => {
    const token = await world.account.token();
    const res = await world.server.request(method, path, { token, body });
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };

  it('turns an email off; creates, submits and pays an order; shows its keys once and its receipt', async () => {
    const base = world.server.url;
    const plan = await createPlan(world.server, world.account, { name: 'Studio', max_activations: 2 });
    const customer = await createCustomer(world.server, world.account, { company_name: 'Order Buyer Ltd' });
    page = await signIn(base, world.account.ownerEmail, world.account.ownerPassword);

    // Settings → Email: the switches, grouped by who gets them; one turned off stays off after a reload.
    await page.getByRole('link', { name: 'Settings' }).first().click();
    const card = page.getByRole('region', { name: 'Which emails are sent' });
    const expiring = card.getByRole('switch', { name: /license\.expiring/ });
    expect(await expiring.isChecked()).toBe(true);
    await card.getByRole('listitem').filter({ hasText: 'license.expiring' }).getByText('default').waitFor();
    const reset = card.getByRole('switch', { name: /staff\.password_reset/ });
    expect(await reset.isChecked()).toBe(true);
    expect(await reset.isDisabled()).toBe(true);
    await card
      .getByRole('listitem')
      .filter({ hasText: 'staff.password_reset' })
      .getByText('needed to sign in')
      .waitFor();
    await card.getByRole('heading', { name: 'To your customers' }).waitFor();
    await card.getByRole('heading', { name: 'To your staff' }).waitFor();
    await expiring.click();
    await page.getByRole('status').filter({ hasText: 'Email turned off' }).waitFor();
    await page.reload();
    await expect.poll(() => card.getByRole('switch', { name: /license\.expiring/ }).isChecked()).toBe(false);
    expect(
      await card.getByRole('listitem').filter({ hasText: 'license.expiring' }).getByText('default').count(),
    ).toBe(0);
    const settings = await ownerApi('GET', '/api/v1/account/email-settings');
    expect(settings.data.find((s: { template: string }) => s.template === 'license.expiring')).toMatchObject({
      enabled: false,
      default_enabled: true,
    });
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: `${SHOTS}orders-01-email-settings.png` });

    // Orders: an empty list, and the payment events say calmly that Stripe is not set up (a 501 answer).
    const before = errors.length;
    await page.getByRole('link', { name: 'Orders' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    await page.getByText('No orders yet').waitFor();
    const events = page.getByRole('region', { name: 'Payment events' });
    await events.getByRole('note').filter({ hasText: 'Stripe is not set up' }).waitFor();
    await events.getByText('STRIPE_WEBHOOK_SECRET').waitFor();
    expect(await events.getByRole('alert').count()).toBe(0);
    await shot('02-empty');
    expectedErrors(before, /501/);

    // New order: a customer, a monthly line × 3 and a one-time line at a price typed here.
    await page.getByRole('button', { name: 'New order' }).click();
    const form = page.getByRole('dialog', { name: 'New order' });
    await form.getByLabel('Find a customer').fill(customer.email);
    // One match is chosen at once.
    const chosen = form.getByRole('combobox', { name: /^Customer/ });
    await expect.poll(() => chosen.inputValue()).toBe(customer.id);
    const line1 = form.getByRole('group', { name: 'Line 1' });
    await line1.getByLabel('Plan').selectOption({ label: `Studio (${plan.code})` });
    await line1.getByLabel('Billing cycle').selectOption('monthly');
    await line1.getByLabel('Quantity').fill('3');
    await form.getByRole('button', { name: 'Add line' }).click();
    const line2 = form.getByRole('group', { name: 'Line 2' });
    await line2.getByLabel('Billing cycle').selectOption('one_time');
    await line2.getByLabel(/Unit price/).fill('149.50');
    await form.getByLabel(/Tax/).fill('5');
    // A discount larger than the lines: the server's refusal is shown under the discount.
    await form.getByLabel(/Discount/).fill('1000');
    const refusedAt = errors.length;
    await form.getByRole('button', { name: 'Create order' }).click();
    await form.getByText('The discount is larger than the subtotal').waitFor();
    expect(await form.getByLabel(/Discount/).getAttribute('aria-invalid')).toBe('true');
    await shot('03-field-error');
    expectedErrors(refusedAt, /422/);
    await form.getByLabel(/Discount/).fill('10');
    // 3 × 49.00 + 149.50 − 10.00 + 5.00
    await expect.poll(() => form.getByTestId('order-estimate').textContent()).toContain('291.50');
    await shot('04-new-order');
    await form.getByRole('button', { name: 'Create order' }).click();

    // Its page: a draft of two lines, priced by the server.
    await page.getByRole('heading', { level: 1, name: /Order #\d+/ }).waitFor();
    const id = page.url().split('/').pop()!;
    const status = page.getByTestId('order-status');
    await expect.poll(() => status.textContent()).toBe('Draft');
    const lines = page.getByRole('table', { name: 'Lines of this order' });
    expect(await lines.getByRole('row').count()).toBe(3); // the header and two lines
    await expect.poll(() => page.getByTestId('order-total').textContent()).toBe('$291.50');
    const draft = await ownerApi('GET', `/api/v1/orders/${id}`);
    expect(draft).toMatchObject({
      status: 'draft',
      customer_id: customer.id,
      subtotal_cents: 29_650,
      discount_cents: 1_000,
      tax_cents: 500,
      total_cents: 29_150,
    });
    expect(
      draft.items.map((i: { billing_cycle: string; quantity: number; unit_amount_cents: number }) => [
        i.billing_cycle,
        i.quantity,
        i.unit_amount_cents,
      ]),
    ).toEqual([
      ['monthly', 3, 4900],
      ['one_time', 1, 14_950],
    ]);
    expect(await page.getByRole('button', { name: 'Receipt' }).count()).toBe(0);
    await shot('05-draft');

    // Submit: no plan needs approval, so it is approved at once.
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.getByRole('alertdialog', { name: 'Submit?' }).getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => status.textContent()).toBe('Approved');

    // Record payment with a reference: paid and fulfilled at once, the two keys shown this once.
    await page.getByRole('button', { name: 'Record payment' }).click();
    const pay = page.getByRole('alertdialog', { name: 'Record payment?' });
    await pay.getByLabel('Payment reference (optional)').fill('INV-2026-042');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    const issued = page.getByRole('dialog', { name: 'Licenses issued' });
    await issued.getByText('this is the only time they are shown').waitFor();
    const keys = (await issued.getByTestId('issued-license-key').allTextContents()).map((k) => k.trim());
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(KEY);
    expect(await issued.getByRole('button', { name: 'Copy key' }).count()).toBe(2);
    await issued.getByText(/Studio \(monthly\) × 3/).waitFor();
    await shot('06-keys-once');
    await issued.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => status.textContent()).toBe('Fulfilled');
    for (const key of keys) expect(await page.getByText(key).count()).toBe(0);
    await page.getByTestId('order-payment').getByText('Recorded by hand · INV-2026-042').waitFor();
    const timeline = page.getByTestId('order-timeline');
    for (const step of ['Created', 'Approved', 'Paid', 'Fulfilled'])
      await timeline.getByText(step, { exact: true }).waitFor();

    // The lines link to what they issued: both a license, the monthly one also its subscription.
    const paid = await ownerApi('GET', `/api/v1/orders/${id}`);
    expect(paid).toMatchObject({
      status: 'fulfilled',
      payment_provider: 'manual',
      payment_reference: 'INV-2026-042',
    });
    const [monthly, oneTime] = paid.items;
    expect(monthly.subscription_id).toBeTruthy();
    expect(oneTime.subscription_id).toBeNull();
    for (const item of paid.items) {
      const license = await ownerApi('GET', `/api/v1/licenses/${item.license_id}`);
      expect(keys.some((k) => k.endsWith(license.key_last4))).toBe(true);
      await lines
        .locator(`a[href="/admin/licenses/${item.license_id}"]`)
        .getByText(license.key_last4)
        .waitFor();
    }
    expect(await lines.getByRole('link', { name: 'Subscription' }).count()).toBe(1);
    await shot('07-fulfilled');

    // The receipt: fetched with the session, shown in a sandboxed frame, with the total and reference.
    await page.getByRole('button', { name: 'Receipt' }).click();
    const receipt = page.getByRole('dialog', { name: /Receipt #\d+/ });
    const frame = receipt.frameLocator('iframe');
    await frame.locator('tr.total').getByText('$291.50').waitFor();
    await frame.getByText('reference INV-2026-042').waitFor();
    await frame.getByText(/Billed to Order Buyer Ltd/).waitFor();
    expect(await receipt.locator('iframe').getAttribute('sandbox')).not.toContain('allow-scripts');
    await shot('08-receipt');
    await receipt.getByRole('button', { name: 'Done' }).click();

    // The links lead to the subscription and the license.
    await lines.getByRole('link', { name: 'Subscription' }).click();
    await page.getByRole('heading', { level: 1, name: /Studio subscription/ }).waitFor();
    expect(page.url()).toBe(`${base}/admin/subscriptions/${monthly.subscription_id}`);
    await page.goBack();
    await lines.locator(`a[href="/admin/licenses/${oneTime.license_id}"]`).click();
    await page.waitForURL(`${base}/admin/licenses/${oneTime.license_id}`);
    await page.goBack();

    // The list: number, customer, status and total; the status filter narrows it.
    await page.getByRole('link', { name: '← All orders' }).click();
    const row = page
      .getByRole('table', { name: 'Orders' })
      .getByRole('row')
      .filter({ hasText: `#${paid.number}` });
    await row.getByRole('link', { name: 'Order Buyer Ltd' }).waitFor();
    await row.getByText(customer.email).waitFor();
    await row.getByText('Fulfilled').waitFor();
    await row.getByText('$291.50').waitFor();
    await shot('09-list');
    await page.getByLabel('Status').selectOption('draft');
    await page.getByText('No matches').waitFor();
    await page.getByLabel('Status').selectOption('fulfilled');
    await row.waitFor();

    // The customer's page leads to their orders only.
    await row.getByRole('link', { name: 'Order Buyer Ltd' }).click();
    await page.getByRole('main').getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByText('Orders of').getByText('Order Buyer Ltd').waitFor();
    await page
      .getByRole('table', { name: 'Orders' })
      .getByRole('link', { name: `#${paid.number}` })
      .waitFor();

    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('leaves approval and refunds to owners: sales staff do not see them; a stale action shows the 409', async () => {
    const base = world.server.url;
    const plan = await createPlan(world.server, world.account, { name: 'Enterprise', max_activations: 5 });
    const customer = await createCustomer(world.server, world.account, { company_name: 'Approval Co' });
    const create = (requires_approval: boolean) =>
      ownerApi('POST', '/api/v1/orders', {
        customer_id: customer.id,
        items: [{ plan_id: plan.id, billing_cycle: 'annual' }],
        requires_approval,
      });
    const waiting = await create(true);
    await ownerApi('POST', `/api/v1/orders/${waiting.id}/submit`, {});
    const sold = await create(false);
    await ownerApi('POST', `/api/v1/orders/${sold.id}/submit`, {});
    const { issued_licenses } = await ownerApi('POST', `/api/v1/orders/${sold.id}/pay`, {
      reference: 'wire-7',
    });
    const licenseId = issued_licenses[0].id;

    // Sales may create and pay orders, not approve or refund them.
    await world.account.token('sales'); // creates sales@<slug>.test with the owner's password
    page = await signIn(base, `sales@${world.account.slug}.test`, world.account.ownerPassword);
    await page.goto(`${base}/admin/orders/${waiting.id}`);
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Pending approval');
    await page.getByRole('button', { name: 'Cancel order' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await shot('10-sales-pending');
    await page.goto(`${base}/admin/orders/${sold.id}`);
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Fulfilled');
    await page.getByRole('button', { name: 'Receipt' }).waitFor();
    expect(await page.getByRole('button', { name: 'Refund' }).count()).toBe(0);
    await page.getByRole('link', { name: '← All orders' }).click();
    await page.getByRole('button', { name: 'New order' }).waitFor();
    // Nor turn emails off.
    await page.goto(`${base}/admin/settings`);
    const card = page.getByRole('region', { name: 'Which emails are sent' });
    expect(await card.getByRole('switch', { name: /license\.created/ }).isDisabled()).toBe(true);
    await card.getByText('Owners and admins can turn emails on and off').waitFor();
    await page.context().close();
    const salesErrors = errors.splice(0);
    for (const e of salesErrors) expect(e).toMatch(/501/); // the payment events of the orders list

    // The owner approves it, then a change behind the page's back makes the next action a 409.
    page = await signIn(base, world.account.ownerEmail, world.account.ownerPassword);
    await page.goto(`${base}/admin/orders/${waiting.id}`);
    const status = page.getByTestId('order-status');
    await expect.poll(() => status.textContent()).toBe('Pending approval');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('alertdialog', { name: 'Approve?' })
      .getByRole('button', { name: 'Approve' })
      .click();
    await expect.poll(() => status.textContent()).toBe('Approved');
    await ownerApi('POST', `/api/v1/orders/${waiting.id}/cancel`, { reason: 'customer withdrew' });
    await page.getByRole('button', { name: 'Record payment' }).click();
    const stale = page.getByRole('alertdialog', { name: 'Record payment?' });
    const before = errors.length;
    await stale.getByRole('button', { name: 'Record payment' }).click();
    await stale.getByRole('alert').filter({ hasText: 'Cannot pay an order that is cancelled' }).waitFor();
    await expect.poll(() => status.textContent()).toBe('Cancelled');
    await shot('11-refused');
    await stale.getByRole('button', { name: 'Back' }).click();
    expectedErrors(before, /409/);

    // Refund: the confirmation says what it does; the license it issued is suspended.
    await page.goto(`${base}/admin/orders/${sold.id}`);
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Fulfilled');
    await page.getByRole('button', { name: 'Refund' }).click();
    const refund = page.getByRole('alertdialog', { name: 'Refund?' });
    await refund.getByText('the licenses it issued are suspended').waitFor();
    await refund.getByLabel('Reason (optional)').fill('duplicate payment');
    await shot('12-refund');
    await refund.getByRole('button', { name: 'Refund' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Refunded');
    await page.getByTestId('order-timeline').getByText('Refunded', { exact: true }).waitFor();
    expect((await ownerApi('GET', `/api/v1/licenses/${licenseId}`)).status).toBe('suspended');
    await page.getByRole('button', { name: 'Receipt' }).waitFor(); // a refunded order keeps its receipt
    await shot('13-refunded');

    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
