import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import {
  browserRunsOn,
  ensureBuilt,
  launchChromium,
  newWatchedPage,
  signInToDashboard,
} from '../support/builds.js';
import { useServer } from '../support/server.js';
import { decodedMail, TestSmtp } from '../support/smtp.js';

// Staff invitations and password resets in the dashboard, with the links mailed through a real SMTP
// server: the owner invites a user from Settings (and sends the invitation again: the first link stops
// working), the user opens the link in a browser of their own, is refused a weak password with the
// server's reason, accepts with a strong one and lands signed in; later they ask for a reset from the
// sign-in page, choose a new password with the mailed link (which ends their other session) and sign in
// with it; a used link says plainly that it no longer works and offers a new one. Every link page takes
// the token out of the address bar.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

const STRONG = 'Tulip orbit canyon 1987';
const NEWER = 'correct horse battery staple 42';

const smtp = new TestSmtp();
const config: Partial<Config> = {};
let browser: Browser;
/** The page a failure screenshot is taken of. */
let page: Page | undefined;
const errors: string[] = [];

/** A screenshot of the whole page, or of one part of it (a dialog, a section of Settings). */
async function shot(p: Page | Locator, name: string) {
  const path = `${SHOTS}staff-links-${name}.png`;
  await ('goto' in p ? p.screenshot({ path, fullPage: true }) : p.screenshot({ path }));
}

/**
 * The path and fragment (`/admin/<page>#token=kwl_…`) of the `nth` link to `page` mailed to `to`, once it
 * has arrived; the mail's link is checked to be absolute, at PUBLIC_URL.
 */
async function linkMailedTo(to: string, page: string, nth: number): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+(/admin/${page}#token=kwl_[A-Za-z0-9_-]+)`);
  const links = () =>
    smtp.received
      .filter((m) => m.to.includes(to))
      .map((m) => pattern.exec(decodedMail(m.raw))?.[1])
      .filter((link): link is string => link !== undefined);
  await expect.poll(() => links().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(nth);
  return links()[nth - 1]!;
}

/** The errors logged since `from` are all the expected refusal (status `status`); they are taken out. */
function expectRefusals(from: number, status: number) {
  const logged = errors.splice(from);
  expect(logged.length, 'a refusal was expected').toBeGreaterThan(0);
  expect(
    logged.every((e) => e.includes(String(status))),
    logged.join('\n'),
  ).toBe(true);
}

describe.runIf(browserRunsOn('embedded'))('staff invitations and password resets in a browser', () => {
  beforeAll(() => {
    ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']);
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  beforeAll(async () => {
    await smtp.start();
    config.smtpUrl = smtp.url;
  });
  const world = useServer({ web: true, config });
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await shot(page, 'failure').catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
    await smtp.stop();
  });

  it('invites a user who accepts in their own browser, then resets a forgotten password by email', async () => {
    const base = world.server.url;
    const email = `grace@${world.account.slug}.test`;

    // The owner invites a developer from Settings → Users: an invitation is the default, no password.
    const owner = await signInToDashboard(
      browser,
      base,
      world.account.ownerEmail,
      world.account.ownerPassword,
      errors,
    );
    page = owner;
    await owner.getByRole('link', { name: 'Settings' }).first().click();
    await owner.getByRole('heading', { level: 2, name: 'Users' }).waitFor();
    await owner.getByRole('button', { name: 'Add user' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Add a user' });
    const invite = dialog.getByRole('radio', { name: 'Send an invitation email' });
    expect(await invite.isChecked()).toBe(true);
    expect(await dialog.getByLabel('Their password').count()).toBe(0);
    await dialog.getByRole('radio', { name: 'Set a password now' }).check();
    await dialog.getByLabel('Their password').waitFor();
    await dialog.getByRole('button', { name: 'Add user' }).waitFor();
    await invite.check();
    expect(await dialog.getByLabel('Their password').count()).toBe(0);
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await dialog.getByLabel('Role').selectOption('developer');
    await shot(dialog, '01-add-user');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await owner.getByRole('status').filter({ hasText: 'Invitation sent' }).first().waitFor();
    const users = owner.getByRole('table', { name: 'Staff users' });
    const row = users.getByRole('row').filter({ hasText: email });
    await row.getByText('Invited', { exact: true }).waitFor();
    const resend = row.getByRole('button', { name: 'Resend invitation' });
    await resend.waitFor();
    const ownerRow = users.getByRole('row').filter({ hasText: world.account.ownerEmail });
    await ownerRow.getByText('Active', { exact: true }).waitFor();
    expect(await ownerRow.getByRole('button', { name: 'Resend invitation' }).count()).toBe(0);
    await shot(owner.locator('section[aria-labelledby="settings-users"]'), '02-invited');

    // The mail arrives; sending the invitation again mails a new link and the first stops working.
    const first = await linkMailedTo(email, 'accept-invitation', 1);
    await resend.click();
    await owner.getByRole('status').filter({ hasText: 'Invitation sent again' }).waitFor();
    const second = await linkMailedTo(email, 'accept-invitation', 2);
    expect(second).not.toBe(first);

    // The invited user's own browser: the replaced link says so; the new one says what it is for.
    const invitee = await newWatchedPage(browser, errors);
    page = invitee;
    let before = errors.length;
    await invitee.goto(`${base}${first}`);
    await invitee.getByRole('heading', { level: 1, name: 'This link no longer works' }).waitFor();
    await invitee.getByText('Ask an administrator of your account to send a new invitation').waitFor();
    expectRefusals(before, 400);
    await invitee.goto(`${base}${second}`); // the same page: only the fragment changes
    await invitee.getByRole('heading', { level: 1, name: 'Accept your invitation' }).waitFor();
    await invitee.getByText(`Join ${world.account.slug} as ${email}`).waitFor();
    expect(new URL(invitee.url()).hash).toBe(''); // the token is not left in the address bar or history
    expect(invitee.url()).toBe(`${base}/admin/accept-invitation`);
    await invitee.getByLabel('Your name').fill('Grace Hopper');
    await shot(invitee, '03-accept');

    // A weak password is refused with the server's reason, on the password field.
    await invitee.getByLabel('Choose a password').fill('password1234');
    before = errors.length;
    const weakAnswer = invitee.waitForResponse((r) => r.url().endsWith('/api/v1/auth/invitation/accept'));
    await invitee.getByRole('button', { name: 'Accept and sign in' }).click();
    const weak = await weakAnswer;
    expect(weak.status()).toBe(422);
    const refusal = (await weak.json()).error;
    expect(refusal.code).toBe('PASSWORD_TOO_WEAK');
    await invitee.getByText(refusal.message).waitFor();
    expect(refusal.message).toContain('Choose another password');
    expect(await invitee.getByLabel('Choose a password').getAttribute('aria-invalid')).toBe('true');
    await shot(invitee, '04-accept-weak');
    expectRefusals(before, 422);

    // A strong one: signed in, on the overview, as the new user.
    await invitee.getByLabel('Choose a password').fill(STRONG);
    await invitee.getByRole('button', { name: 'Accept and sign in' }).click();
    await invitee.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await invitee.getByText(email).first().waitFor(); // the shell names who is signed in
    expect(await invitee.evaluate(() => localStorage.getItem('keyward.admin.refresh_token'))).toBeTruthy();
    const listed = await world.server.request('GET', '/api/v1/users?limit=100&offset=0', {
      token: await world.account.token('owner'),
    });
    expect(listed.body.data.find((u: { email: string }) => u.email === email)).toMatchObject({
      name: 'Grace Hopper',
      role: 'developer',
      status: 'active',
    });

    // The owner's list shows them active, with nothing to resend.
    await owner.reload();
    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByText('Grace Hopper').waitFor();
    expect(await row.getByRole('button', { name: 'Resend invitation' }).count()).toBe(0);
    await owner.context().close();

    // Later, in another browser: "Forgot password?" on the sign-in page; the server's answer is shown.
    const resetter = await newWatchedPage(browser, errors);
    page = resetter;
    await resetter.goto(`${base}/admin/sign-in`);
    await resetter.getByRole('heading', { level: 1, name: 'Sign in to Keyward' }).waitFor();
    await shot(resetter, '05-sign-in');
    await resetter.getByRole('link', { name: 'Forgot password?' }).click();
    await resetter.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await resetter.getByLabel('Email').fill(email);
    await shot(resetter, '06-forgot');
    const requested = resetter.waitForResponse((r) => r.url().endsWith('/api/v1/auth/password-reset'));
    await resetter.getByRole('button', { name: 'Email me a link' }).click();
    const { message } = await (await requested).json();
    expect(message).toContain('If a dashboard user has this email');
    await resetter.getByRole('status').filter({ hasText: message }).waitFor();
    await shot(resetter, '07-forgot-sent');

    // The mailed link: whose password it resets; the two entries must match; then it is changed.
    const resetLink = await linkMailedTo(email, 'reset-password', 1);
    await resetter.goto(`${base}${resetLink}`);
    await resetter.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await resetter.getByText(`for ${email}`).waitFor();
    expect(resetter.url()).toBe(`${base}/admin/reset-password`);
    await resetter.getByLabel(/^New password/).fill(NEWER);
    await resetter.getByLabel('Confirm new password').fill(`${NEWER}!`);
    await resetter.getByRole('button', { name: 'Change password' }).click();
    await resetter.getByText('The two passwords do not match.').waitFor();
    await shot(resetter, '08-reset');
    await resetter.getByLabel('Confirm new password').fill(NEWER);
    await resetter.getByRole('button', { name: 'Change password' }).click();
    await resetter.getByRole('heading', { level: 1, name: 'Password changed' }).waitFor();
    await resetter.getByRole('status').filter({ hasText: 'Your new password is set' }).waitFor();
    await shot(resetter, '09-reset-done');

    // Sign in with the new password; the old one no longer works.
    await resetter.getByRole('link', { name: 'Sign in' }).click();
    await resetter.getByRole('heading', { level: 1, name: 'Sign in to Keyward' }).waitFor();
    await resetter.getByLabel('Email').fill(email);
    await resetter.getByLabel('Password').fill(NEWER);
    await resetter.getByRole('button', { name: 'Sign in' }).click();
    await resetter.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const oldLogin = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email, password: STRONG },
    });
    expect(oldLogin.status).toBe(401);

    // The reset ended the session the invitation started: that browser is back at sign-in.
    page = invitee;
    before = errors.length;
    await invitee.reload();
    await invitee.getByRole('heading', { level: 1, name: 'Sign in to Keyward' }).waitFor();
    await invitee.getByText('Your session has expired').waitFor();
    expectRefusals(before, 401);

    // The used reset link, opened again: plainly no longer working, with the way to a new one.
    page = resetter;
    before = errors.length;
    await resetter.goto(`${base}${resetLink}`);
    await resetter.getByRole('heading', { level: 1, name: 'This link no longer works' }).waitFor();
    await resetter.getByRole('alert').getByText('works once, for one hour').waitFor();
    expect(resetter.url()).toBe(`${base}/admin/reset-password`);
    await shot(resetter, '10-reset-link-used');
    expectRefusals(before, 400);
    await resetter.getByRole('link', { name: 'Ask for a new link' }).click();
    await resetter.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();

    // So is the accepted invitation.
    before = errors.length;
    await resetter.goto(`${base}${second}`);
    await resetter.getByRole('heading', { level: 1, name: 'This link no longer works' }).waitFor();
    await resetter.getByText('If you have already accepted it, sign in.').waitFor();
    await shot(resetter, '11-invitation-used');
    expectRefusals(before, 400);

    expect(errors).toEqual([]);
    await invitee.context().close();
    await resetter.context().close();
  }, 120_000);
});
