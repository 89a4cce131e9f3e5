import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserRunsOn, ensureBuilt, launchChromium, signInToDashboard } from '../support/builds.js';
import { createCustomer, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Settings → Email in the dashboard, on a server without SMTP_URL (so mail is held in the outbox): the
// license-issued email is in the log as outbox, with the banner that says why; its preview shows the
// message as it would be sent (the full key for the owner, masked for support; the HTML in a sandboxed
// frame) and resends it; the branding form refuses a bad address on its field, saves a product name the
// preview then uses, and resets it. Read-only staff see it all and change nothing.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

let browser: Browser;
let page: Page;
const errors: string[] = [];

/**
 * A screenshot of the whole page, or of one part of it (the Email section of a long Settings page), with
 * the sticky top bar left out so it does not cover the part.
 */
async function shot(name: string, part?: Locator) {
  const path = `${SHOTS}email-${name}.png`;
  if (!part) return page.screenshot({ path, fullPage: true });
  // The owner's Settings page is wider than the window (the Jobs table), and may have been scrolled sideways.
  await page.evaluate(() => window.scrollTo({ left: 0, top: window.scrollY, behavior: 'instant' }));
  await part.screenshot({ path, style: 'header.sticky { visibility: hidden !important; }' });
}

/** A new browser context signed in as `email` (its errors collected in `errors`). */
const signIn = (base: string, email: string, password: string) =>
  signInToDashboard(browser, base, email, password, errors);

describe.runIf(browserRunsOn('embedded'))('email in a browser', () => {
  beforeAll(() => {
    ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']);
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  const world = useServer({ web: true });
  /** The license whose issue queued the email, and that email's id. */
  let license: Awaited<ReturnType<typeof issueLicense>>;
  let customer: { id: string; email: string };
  let emailId = '';

  /** The license key email's id, once the sender has held it in the outbox (there is no SMTP_URL). */
  async function heldEmail(): Promise<string> {
    if (emailId) return emailId;
    const token = await world.account.token('owner');
    await expect
      .poll(
        async () => {
          const res = await world.server.request('GET', '/api/v1/emails?template=license.created&limit=10', {
            token,
          });
          const email = (res.body.data as { id: string; subject_id: string; status: string }[]).find(
            (e) => e.subject_id === license.id,
          );
          emailId = email?.status === 'outbox' ? email.id : '';
          return email?.status;
        },
        { timeout: 15_000 },
      )
      .toBe('outbox');
    return emailId;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    customer = await createCustomer(world.server, world.account, {
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
    license = await issueLicense(world.server, world.account, { customer_id: customer.id });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await shot('failure').catch(() => {});
    errors.length = 0; // one test's failure is not the next one's
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Settings, scrolled to the Email section; returns the section. */
  async function openEmailSettings(): Promise<Locator> {
    await page.getByRole('link', { name: 'Settings' }).first().click();
    const section = page.getByRole('region', { name: 'Email', exact: true });
    await section.getByRole('heading', { level: 2, name: 'Email', exact: true }).waitFor();
    await section.scrollIntoViewIfNeeded();
    return section;
  }

  const logRow = (section: Locator) =>
    section.getByRole('table', { name: 'Email log' }).getByRole('row').filter({ hasText: 'license.created' });

  it('lists the held email, previews it with the key, resends it, and brands it', async () => {
    const base = world.server.url;
    const token = await world.account.token('owner');
    await heldEmail();
    page = await signIn(base, world.account.ownerEmail, world.account.ownerPassword);
    const section = await openEmailSettings();

    // The log: the license key email, held in the outbox, and the banner that says why and what to do.
    const note = section.getByRole('note').filter({ hasText: 'No SMTP server is configured' });
    await note.getByText('SMTP_URL', { exact: true }).waitFor();
    await note.getByText('held mail can then be sent with Resend').waitFor();
    const row = logRow(section);
    await row.getByText('Outbox', { exact: true }).waitFor();
    await row.getByText('No SMTP server is configured (SMTP_URL)').waitFor();
    await row.getByRole('button', { name: 'Resend' }).waitFor();
    await shot('01-log', section);

    // The status filter.
    const status = section.getByLabel('Status');
    await status.selectOption('sent');
    await section.getByText('No matches').waitFor();
    await status.selectOption('outbox');
    await row.getByText('Outbox', { exact: true }).waitFor();
    await status.selectOption('');

    // The preview: subject, from and to, the plain text with the full key, the HTML sandboxed.
    await row.getByRole('link', { name: /^Preview/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Email' }).waitFor();
    expect(page.url()).toBe(`${base}/admin/settings/emails/${emailId}`);
    await page.getByTestId('email-status').getByText('Outbox').waitFor();
    await page.getByTestId('email-subject').getByText(`Your ${world.account.slug} license key`).waitFor();
    await page.getByTestId('email-to').getByText(customer.email).waitFor();
    await page.getByTestId('email-from').getByText(`no-reply@`).waitFor();
    const text = page.getByTestId('email-text');
    await text.getByText(license.key).waitFor();
    await text.getByText('Hello Ada Lovelace').waitFor();
    const frame = page.locator('iframe[title="HTML version of the email"]');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('srcdoc')).toContain('<p>');
    await frame.contentFrame().getByText('Hello Ada Lovelace').waitFor();
    expect(await page.getByText('The license key is masked').count()).toBe(0);
    await shot('02-preview');

    // Resend: queued again now; with no SMTP it is held again.
    await page.getByRole('button', { name: 'Resend' }).click();
    await page.getByRole('status').filter({ hasText: 'Sending again' }).waitFor();
    await expect
      .poll(async () => {
        const res = await world.server.request('GET', `/api/v1/emails/${emailId}`, { token });
        return res.body.email.status;
      })
      .toBe('outbox');
    await page.getByTestId('email-status').getByText('Outbox').waitFor();

    // Branding: a bad support address is refused, and said on its field.
    await page.getByRole('link', { name: '← Settings' }).click();
    await openEmailSettings();
    const form = page.getByRole('form', { name: 'Branding' });
    await form.scrollIntoViewIfNeeded();
    const before = errors.length;
    await form.getByRole('textbox', { name: 'Support email', exact: true }).fill('help-at-acme');
    const refusedAnswer = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/account/branding') && r.request().method() === 'PATCH',
    );
    await form.getByRole('button', { name: 'Save branding' }).click();
    const refused = await refusedAnswer;
    expect(refused.status()).toBe(422);
    const refusal = (await refused.json()).error;
    expect(refusal).toMatchObject({ code: 'INVALID_FIELD', details: { pointer: '/body/support_email' } });
    await form.getByText('Enter an email address, such as help@example.com.').waitFor();
    expect(
      await form.getByRole('textbox', { name: 'Support email', exact: true }).getAttribute('aria-invalid'),
    ).toBe('true');
    expect(
      await form.getByRole('textbox', { name: 'Product name', exact: true }).getAttribute('aria-invalid'),
    ).toBeNull();
    await shot('03-branding-refused', form.locator('xpath=ancestor::section[1]'));
    expect(errors.splice(before).every((e) => e.includes('422'))).toBe(true);

    // A product name and a support address: saved, and the sender name follows the product name.
    await form.getByRole('textbox', { name: 'Support email', exact: true }).fill('help@acme.test');
    await form.getByRole('textbox', { name: 'Product name', exact: true }).fill('Acme Studio');
    await form.getByRole('button', { name: 'Save branding' }).click();
    await page.getByRole('status').filter({ hasText: 'Branding saved' }).first().waitFor();
    expect(
      await form.getByRole('textbox', { name: 'Support email', exact: true }).getAttribute('aria-invalid'),
    ).toBeNull();
    const branding = await world.server.request('GET', '/api/v1/account/branding', { token });
    expect(branding.body).toMatchObject({
      product_name: 'Acme Studio',
      from_name: 'Acme Studio',
      support_email: 'help@acme.test',
    });
    expect(await form.getByRole('textbox', { name: 'Sender name', exact: true }).inputValue()).toBe(
      'Acme Studio',
    );
    await shot('04-branding-saved', form.locator('xpath=ancestor::section[1]'));

    // The preview renders in the new branding.
    await logRow(page.getByRole('region', { name: 'Email', exact: true }))
      .getByRole('link', { name: /^Preview/ })
      .click();
    await page.getByTestId('email-subject').getByText('Your Acme Studio license key').waitFor();
    await page.getByTestId('email-from').getByText('"Acme Studio"', { exact: false }).waitFor();
    await page.getByTestId('email-text').getByText('help@acme.test', { exact: false }).first().waitFor();
    await page.locator('iframe').contentFrame().getByText('Acme Studio', { exact: false }).first().waitFor();
    await shot('05-preview-branded');

    // Reset to default: the product name is the account's name again.
    await page.getByRole('link', { name: '← Settings' }).click();
    await openEmailSettings();
    await form.getByRole('button', { name: 'Reset Product name to default' }).click();
    await page.getByRole('status').filter({ hasText: 'Product name: back to its default' }).waitFor();
    expect(await form.getByRole('textbox', { name: 'Product name', exact: true }).inputValue()).toBe(
      world.account.slug,
    );
    const reset = await world.server.request('GET', '/api/v1/account/branding', { token });
    expect(reset.body).toMatchObject({ product_name: world.account.slug, support_email: 'help@acme.test' });

    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('previews the email with the key masked for support staff', async () => {
    await world.account.token('support'); // creates support@<slug>.test with the owner's password
    page = await signIn(world.server.url, `support@${world.account.slug}.test`, world.account.ownerPassword);
    await page.goto(`${world.server.url}/admin/settings/emails/${await heldEmail()}`);
    const text = page.getByTestId('email-text');
    await text.getByText(license.key.slice(-4), { exact: false }).waitFor();
    expect(await text.textContent()).not.toContain(license.key);
    await page.getByRole('note').filter({ hasText: 'The license key is masked' }).waitFor();
    expect(await page.locator('iframe').getAttribute('srcdoc')).not.toContain(license.key);
    // Support may resend (customers:write) but not change the branding (account:write).
    await page.getByRole('button', { name: 'Resend' }).waitFor();
    await shot('06-support-masked');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('shows read-only staff the log, the preview and the branding, and no way to change them', async () => {
    const readOnly = await world.account.token('read_only');
    await heldEmail();
    const { body: branding } = await world.server.request('GET', '/api/v1/account/branding', {
      token: readOnly,
    });
    page = await signIn(
      world.server.url,
      `read_only@${world.account.slug}.test`,
      world.account.ownerPassword,
    );
    const section = await openEmailSettings();
    const row = logRow(section);
    await row.getByText('Outbox', { exact: true }).waitFor();
    expect(await section.getByRole('button', { name: /Resend/ }).count()).toBe(0);

    const form = page.getByRole('form', { name: 'Branding' });
    await form.scrollIntoViewIfNeeded();
    await section.getByText('Owners and admins can change it').waitFor();
    expect(await form.getByRole('textbox', { name: 'Product name', exact: true }).isDisabled()).toBe(true);
    expect(await form.getByRole('textbox', { name: 'Product name', exact: true }).inputValue()).toBe(
      branding.product_name,
    );
    for (const name of [/Save/, /Reset/]) expect(await form.getByRole('button', { name }).count()).toBe(0);
    await shot('07-read-only', section);
    const refused = await world.server.request('PATCH', '/api/v1/account/branding', {
      token: readOnly,
      body: { product_name: 'Not allowed' },
    });
    expect(refused.status).toBe(403);

    await row.getByRole('link', { name: /^Preview/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Email' }).waitFor();
    await page.getByTestId('email-text').getByText(license.key.slice(-4), { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Resend' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
