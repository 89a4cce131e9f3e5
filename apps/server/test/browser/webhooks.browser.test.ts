import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserRunsOn, ensureBuilt, launchChromium, signInToDashboard } from '../support/builds.js';
import { useServer } from '../support/server.js';

// Outbound webhooks in the dashboard, against a real receiver on loopback (allow-listed in test servers):
// an endpoint is added from Settings (a private address is refused on the URL field; the secret is shown
// once), then its page sends test events and shows each delivery as the receiver answered it — 200, a
// 500 retried 5 s later, a resend with the same webhook-id, a 410 that disables the endpoint until it is
// enabled again — rotates the secret (both sign for a day) and deletes it. Read-only staff see it all
// and change nothing.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver got, in order; `answers` says the status of the next requests (then 200). */
const received: Received[] = [];
const answers: number[] = [];
let receiver: Server;
let hookUrl: string;

let browser: Browser;
let page: Page;
const errors: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: `${SHOTS}webhooks-${name}.png`, fullPage: true });
}

/** A new browser context signed in as `email` (its errors collected in `errors`). */
const signIn = (base: string, email: string, password: string) =>
  signInToDashboard(browser, base, email, password, errors);

/** Waits until the receiver has had `count` requests in all. */
async function receivedCount(count: number): Promise<Received[]> {
  await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  return received;
}

/** The receiver's check, as a Standard Webhooks library does it: signature over the raw body, fresh. */
function verify(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }) as { type: string; data: { subject: { id: string } } };
}

describe.runIf(browserRunsOn('postgres'))('webhooks in a browser', () => {
  beforeAll(() => {
    ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']);
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  const world = useServer({ web: true });
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answers.shift() ?? 200;
        res.end(res.statusCode === 200 ? 'thanks' : `receiver says ${res.statusCode}`);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    browser = await launchChromium();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await shot('failure').catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => receiver?.close(() => r()));
  });

  it('adds an endpoint, delivers, retries, resends, disables on 410, rotates the secret and deletes it', async () => {
    const base = world.server.url;
    const token = await world.account.token();
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await world.server.request(method, path, { token, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    page = await signIn(base, world.account.ownerEmail, world.account.ownerPassword);
    await page.getByRole('link', { name: 'Settings' }).first().click();
    await page.getByRole('heading', { level: 2, name: 'Webhooks' }).waitFor();
    await page.getByText('No webhook endpoints').waitFor();

    // A private address is refused, and the server's words are shown on the URL field.
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const form = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await form.getByText('license.*').first().waitFor(); // the filter's explanation
    await form.getByLabel('URL').fill('http://10.0.0.1/hook');
    const before = errors.length;
    const refusedAnswer = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/webhook-endpoints') && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const refused = await refusedAnswer;
    expect(refused.status()).toBe(422);
    const refusal = (await refused.json()).error;
    expect(refusal.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
    await form.getByText(refusal.message).waitFor();
    expect(refusal.message).toContain('10.0.0.1');
    expect(await form.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
    await shot('01-refused');
    expect(errors.splice(before).every((e) => e.includes('422'))).toBe(true);

    // The receiver's URL, a description and a filter typed as a comma list: the secret, once.
    await form.getByLabel('URL').fill(hookUrl);
    await form.getByLabel('Description (optional)').fill('CRM sync');
    await form.getByLabel('Event types').fill('webhook_endpoint.test, license.*');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const added = page.getByRole('dialog', { name: 'Endpoint added' });
    const secret = (await added.getByTestId('webhook-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    await added.getByText('it will not be shown again').waitFor();
    await added.getByRole('button', { name: 'Copy secret' }).waitFor();
    await added.getByText('webhook-signature').waitFor();
    await shot('02-secret-once');
    const [endpoint] = (await api('GET', '/api/v1/webhook-endpoints?limit=5&offset=0')).data;
    expect(endpoint).toMatchObject({
      url: hookUrl,
      description: 'CRM sync',
      event_types: ['webhook_endpoint.test', 'license.*'],
      enabled: true,
    });
    expect(endpoint.secret).toBeUndefined();

    // Settings lists it with its status; its page does not show the secret again.
    await added.getByRole('button', { name: 'Done' }).click();
    const listed = page.getByRole('table', { name: 'Webhook endpoints' }).getByRole('row').filter({
      hasText: hookUrl,
    });
    await listed.getByText('Enabled').waitFor();
    await listed.getByText('webhook_endpoint.test, license.*').waitFor();
    await listed.getByRole('link', { name: hookUrl }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }).waitFor();
    expect(page.url()).toBe(`${base}/admin/settings/webhooks/${endpoint.id}`);
    await page.getByTestId('webhook-url').getByText(hookUrl).waitFor();
    await page.getByTestId('webhook-status').getByText('Enabled').waitFor();
    expect(await page.getByText(secret).count()).toBe(0);
    await page.getByText('No deliveries yet').waitFor();

    const log = page.getByRole('table', { name: 'Deliveries' });
    const row = (webhookId: string) => log.getByRole('row').filter({ hasText: webhookId });
    const sendTest = async () => {
      await page.getByRole('button', { name: 'Send test event' }).click();
      await page.getByRole('status').filter({ hasText: 'Test event sent' }).first().waitFor();
    };
    const expectRow = async (r: Locator, status: string, attempts: number, code: string) => {
      await r.getByText(status, { exact: true }).waitFor({ timeout: 20_000 });
      await r.getByRole('cell', { name: String(attempts), exact: true }).waitFor();
      await r.getByText(code, { exact: true }).waitFor();
    };

    // A test event: the receiver gets it signed with that secret; the log shows it delivered, 200.
    await sendTest();
    const [first] = await receivedCount(1);
    const firstId = String(first!.headers['webhook-id']);
    expect(verify(secret, first!)).toMatchObject({
      type: 'webhook_endpoint.test',
      data: { subject: { id: endpoint.id } },
    });
    await expectRow(row(firstId), 'Delivered', 1, '200');
    await shot('03-delivered');

    // The receiver fails the next one (500): the log shows the attempt, the code and the error, pending;
    // its retry 5 s later is answered 200 and the same row turns delivered, by itself.
    answers.push(500);
    await sendTest();
    const [, failing] = await receivedCount(2);
    const failingId = String(failing!.headers['webhook-id']);
    expect(failingId).not.toBe(firstId);
    const retried = row(failingId);
    await expectRow(retried, 'Pending', 1, '500');
    await retried.getByText('HTTP 500').waitFor();
    expect(await retried.getByRole('button', { name: 'Resend' }).count()).toBe(0); // on its way already
    await retried.getByRole('button', { name: 'Details' }).click();
    const details = page.getByRole('dialog', { name: 'webhook_endpoint.test' });
    await details.getByTestId('webhook-response-body').getByText('receiver says 500').waitFor();
    await shot('04-failed-attempt');
    await details.getByRole('button', { name: 'Done' }).click();
    await expectRow(retried, 'Delivered', 2, '200');
    const afterRetry = await receivedCount(3);
    expect(afterRetry[2]!.headers['webhook-id']).toBe(failingId);
    const [retriedDelivery] = (
      await api('GET', `/api/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=1&offset=0`)
    ).data;
    expect(retriedDelivery).toMatchObject({ id: failingId, status: 'delivered', attempts: 2, error: null });
    await shot('05-retried');

    // The status filter.
    await page.getByLabel('Status').selectOption('failed');
    await log.getByText('No matches').waitFor();
    await page.getByLabel('Status').selectOption('delivered');
    await row(firstId).waitFor();
    await page.getByLabel('Status').selectOption('');

    // Resend the first: the receiver gets the same webhook-id again.
    await row(firstId).getByRole('button', { name: 'Resend' }).click();
    await page.getByRole('status').filter({ hasText: 'Sending again' }).waitFor();
    const afterResend = await receivedCount(4);
    expect(afterResend[3]!.headers['webhook-id']).toBe(firstId);
    expect(verify(secret, afterResend[3]!).type).toBe('webhook_endpoint.test');
    await expectRow(row(firstId), 'Delivered', 2, '200');

    // 410 Gone disables the endpoint; its page says why, the test button waits, and enabling it again
    // sends what waited.
    answers.push(410);
    await sendTest();
    const [, , , , gone] = await receivedCount(5);
    const goneId = String(gone!.headers['webhook-id']);
    const status = page.getByTestId('webhook-status');
    await status.getByText('Disabled').waitFor({ timeout: 20_000 });
    await page.getByRole('note').filter({ hasText: 'The endpoint answered 410 Gone' }).waitFor();
    expect(await page.getByRole('button', { name: 'Send test event' }).isDisabled()).toBe(true);
    await expectRow(row(goneId), 'Pending', 1, '410');
    await shot('06-disabled');
    const enabled = page.getByRole('switch', { name: 'Enabled' });
    expect(await enabled.isChecked()).toBe(false);
    await enabled.check();
    await page.getByRole('status').filter({ hasText: 'Endpoint enabled' }).waitFor();
    await status.getByText('Enabled').waitFor();
    expect(await page.getByRole('note').filter({ hasText: '410 Gone' }).count()).toBe(0);
    await expectRow(row(goneId), 'Delivered', 2, '200');
    expect((await api('GET', `/api/v1/webhook-endpoints/${endpoint.id}`)).disabled_reason).toBeNull();

    // Rotate: the new secret once; for a day both sign, so a receiver with either accepts.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotate = page.getByRole('alertdialog', { name: 'Rotate the signing secret?' });
    await rotate.getByText('keeps signing beside it for 24 hours').waitFor();
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('dialog', { name: 'New signing secret' });
    const newSecret = (await rotated.getByTestId('webhook-secret').textContent())?.trim() ?? '';
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await rotated.getByText('it will not be shown again').waitFor();
    await rotated.getByText('The old secret keeps signing for 24 hours').waitFor();
    await rotated.getByRole('button', { name: 'Copy secret' }).waitFor();
    await shot('07-rotated');
    await rotated.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(newSecret).count()).toBe(0);
    await page.getByText('the previous secret also signs until').waitFor();
    const count = received.length;
    await sendTest();
    const latest = (await receivedCount(count + 1))[count]!;
    expect(String(latest.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(newSecret, latest).type).toBe('webhook_endpoint.test');
    expect(verify(secret, latest).type).toBe('webhook_endpoint.test');

    // Edit: the event filter changes.
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit the endpoint' });
    expect(await edit.getByLabel('Event types').inputValue()).toBe('webhook_endpoint.test\nlicense.*');
    await edit.getByLabel('Event types').fill('webhook_endpoint.*\nsubscription.canceled');
    await edit.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByRole('status').filter({ hasText: 'Endpoint saved' }).waitFor();
    await page.getByTestId('webhook-events').getByText('webhook_endpoint.*, subscription.canceled').waitFor();

    // Delete (confirmed): back on Settings, gone from the list and the API.
    await page.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('alertdialog', { name: 'Delete this endpoint?' });
    await remove.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByText('No webhook endpoints').waitFor();
    const deleted = await world.server.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}`, { token });
    expect(deleted.status).toBe(404);

    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('shows read-only staff the endpoints and their deliveries, and no way to change them', async () => {
    const base = world.server.url;
    const token = await world.account.token();
    const created = await world.server.request('POST', '/api/v1/webhook-endpoints', {
      token,
      body: { url: hookUrl, description: 'Audit mirror' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const count = received.length;
    const test = await world.server.request('POST', `/api/v1/webhook-endpoints/${id}/test`, { token });
    expect(test.status).toBe(202);
    await receivedCount(count + 2); // its own creation (every event), then the test

    await world.account.token('read_only'); // creates read_only@<slug>.test with the owner's password
    page = await signIn(base, `read_only@${world.account.slug}.test`, world.account.ownerPassword);
    await page.getByRole('link', { name: 'Settings' }).first().click();
    const listed = page.getByRole('table', { name: 'Webhook endpoints' }).getByRole('row').filter({
      hasText: 'Audit mirror',
    });
    await listed.getByText('Every event').waitFor();
    await listed.getByText('Enabled').waitFor();
    expect(await page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(0);

    await listed.getByRole('link', { name: hookUrl }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }).waitFor();
    const log = page.getByRole('table', { name: 'Deliveries' });
    const testRow = log.getByRole('row').filter({ hasText: 'webhook_endpoint.test' });
    await testRow.getByText('Delivered', { exact: true }).waitFor({ timeout: 20_000 });
    await log.getByRole('row').filter({ hasText: 'webhook_endpoint.created' }).waitFor();
    await testRow.getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('webhook-response-body').getByText('thanks').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    for (const name of ['Edit', 'Send test event', 'Rotate secret', 'Delete', 'Resend'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await page.getByRole('switch').count()).toBe(0);
    await shot('08-read-only');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
