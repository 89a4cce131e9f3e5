import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRunsOn, ensureBuilt, launchChromium } from '../support/builds.js';
import { activate } from '../support/fixtures.js';
import { FixedClock, useServer } from '../support/server.js';

// Issue H in the dashboard: the plan editor's policy (presets, plain-language help per option, overrides
// only), the license page's policy, term, seats and leases (a lapsed one marked), and a product's token
// settings. The server's clock stands still at the start (the browser's does not): a lease taken with the
// clock set back has lapsed for the browser while the server's minute sweep never releases it.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const clock = new FixedClock(new Date());
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

describe.runIf(browserRunsOn('embedded'))('license policies in the dashboard', () => {
  beforeAll(() => ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']), 180_000);
  const world = useServer({ web: true, clock });
  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('response', (res) => {
      if (res.status() >= 400) consoleErrors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a floating preset makes a floating plan; its license page shows the leases', async () => {
    const base = world.server.url;
    await page.goto(`${base}/admin/`);
    await page.getByLabel('Email').fill(world.account.ownerEmail);
    await page.getByLabel('Password').fill(world.account.ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();

    await page.getByRole('link', { name: 'Plans' }).first().click();
    await page.getByRole('button', { name: 'New plan' }).click();
    const dialog = page.getByRole('dialog', { name: 'New plan' });
    await dialog.getByLabel('Name').fill('Team floating');
    await dialog.getByLabel('Code').fill('team-floating');
    // Before a preset: a subscription per device, whose seats are devices.
    expect(await dialog.getByLabel('What a seat is').inputValue()).toBe('devices');
    await dialog.getByRole('button', { name: 'Floating, 10 concurrent, 15 min lease' }).click();
    expect(await dialog.getByLabel('License type').inputValue()).toBe('concurrent');
    expect(await dialog.getByLabel('Max seats').inputValue()).toBe('10');
    // Every field shows the concurrent type's default, with the help of the chosen option.
    expect(await dialog.getByLabel('What a seat is').inputValue()).toBe('leases');
    expect(await dialog.getByLabel('Heartbeat', { exact: true }).inputValue()).toBe('true');
    await dialog.getByText('Floating leases: A seat is a lease renewed by heartbeat').waitFor();
    await dialog.getByText('Default for this license type: 15 min.').first().waitFor();
    // A change is kept as an override, and said so.
    await dialog.getByLabel('Lease revival (minutes)').fill('5');
    await dialog.getByText('Changed from the default (0 min).').waitFor();
    await dialog.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('cell', { name: 'team-floating' }).waitFor();

    const owner = await world.account.token('owner');
    const plans = await world.server.request('GET', '/api/v1/plans?q=team-floating', { token: owner });
    const plan = plans.body.data[0];
    expect(plan).toMatchObject({ license_type: 'concurrent', max_activations: 10 });
    // Only what differs from the concurrent defaults is stored (15 min is the default lease).
    expect(plan.policy).toEqual({ lease_revival_minutes: 5 });

    const license = await world.server.request('POST', '/api/v1/licenses', {
      token: owner,
      body: { plan_id: plan.id },
    });
    for (const d of ['float-a', 'float-b'])
      expect((await activate(world.server, license.body.key, d)).status).toBe(200);
    await page.goto(`${base}/admin/licenses/${license.body.id}`);
    await page.getByText('Seats (floating leases)').waitFor();
    await page.getByTestId('seats-used').getByText('2 / 10').waitFor();
    const devices = page.getByRole('table', { name: 'Devices of this license' });
    await devices
      .getByText(/lease until/)
      .first()
      .waitFor();
    expect(await devices.getByText(/lease until/).count()).toBe(2);
    expect(await devices.getByText('lapsed', { exact: true }).count()).toBe(0);
    // The effective policy in brief, the plan's change marked.
    const revival = page
      .getByLabel('Effective policy')
      .locator('div')
      .filter({ hasText: 'Lease revival (minutes)' });
    expect(await revival.textContent()).toBe('Lease revival (minutes)5 min(set)');
    const lease = page.getByLabel('Effective policy').locator('div').filter({ hasText: 'Lease (minutes)' });
    expect(await lease.textContent()).toBe('Lease (minutes)15 min');

    // A lease taken 30 minutes ago (15 min lease) has lapsed: the page marks it.
    clock.set(new Date(Date.now() - 30 * 60_000));
    const old = await world.server.request('POST', '/api/v1/licenses', {
      token: owner,
      body: { plan_id: plan.id },
    });
    const gone = await activate(world.server, old.body.key, 'float-gone');
    expect(gone.status).toBe(200);
    await page.goto(`${base}/admin/licenses/${old.body.id}`);
    await devices.getByText(/lease until/).waitFor();
    await devices.getByText('lapsed', { exact: true }).waitFor();
    expect(consoleErrors).toEqual([]);
  }, 30_000);

  it("a product's token settings: RS256 with the vendor's issuer and audience", async () => {
    const owner = await world.account.token('owner');
    const product = await world.server.request('POST', '/api/v1/products', {
      token: owner,
      body: { code: 'flowlytix', name: 'Flowlytix' },
    });
    await page.goto(`${world.server.url}/admin/settings`);
    const card = page.getByRole('table', { name: 'Products and their token settings' });
    await card.getByText('The account’s key (EdDSA)').waitFor();
    await card.getByRole('button', { name: 'Token settings of Flowlytix' }).click();
    const dialog = page.getByRole('dialog', { name: 'Token settings of Flowlytix' });
    await dialog.getByText('Changing these makes a new signing key').waitFor();
    await dialog.getByLabel('Algorithm').selectOption('RS256');
    await dialog.getByLabel('Issuer (iss)').fill('flowlytix-licensing');
    await dialog.getByLabel('Audience (aud)').fill('flowlytix-app');
    await dialog.getByRole('button', { name: 'Save token settings' }).click();
    await card.getByText('iss flowlytix-licensing · aud flowlytix-app').waitFor();
    const saved = await world.server.request('GET', `/api/v1/products/${product.body.id}/token-settings`, {
      token: owner,
    });
    expect(saved.body).toMatchObject({
      own_key: true,
      algorithm: 'RS256',
      issuer: 'flowlytix-licensing',
      audience: 'flowlytix-app',
    });
    expect(consoleErrors).toEqual([]);
  }, 20_000);

  it('a seat past the limit under an overage shows on the license page with its event', async () => {
    const owner = await world.account.token('owner');
    const plan = await world.server.request('POST', '/api/v1/plans', {
      token: owner,
      body: { code: 'one-2x', name: 'One, 2x', max_activations: 1, policy: { overage: '2x' } },
    });
    const license = await world.server.request('POST', '/api/v1/licenses', {
      token: owner,
      body: { plan_id: plan.body.id },
    });
    expect((await activate(world.server, license.body.key, 'over-a')).status).toBe(200);
    const over = await activate(world.server, license.body.key, 'over-b');
    expect(over.body.warnings).toEqual([expect.objectContaining({ code: 'SEAT_OVERAGE' })]);
    await page.goto(`${world.server.url}/admin/licenses/${license.body.id}`);
    await page.getByTestId('seats-used').getByText('2 / 1').waitFor();
    await page.getByText('(overage 2x: up to 2)').waitFor();
    const history = page.getByRole('table', { name: 'Events of this license' });
    await history.getByText('license.overage').waitFor();
    await history.getByText('2 / 1 seats (overage 2x)').waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it('a named-user license page assigns and unassigns users', async () => {
    const owner = await world.account.token('owner');
    const plan = await world.server.request('POST', '/api/v1/plans', {
      token: owner,
      body: { code: 'named-5', name: 'Named', license_type: 'named_user', max_activations: 5 },
    });
    const license = await world.server.request('POST', '/api/v1/licenses', {
      token: owner,
      body: { plan_id: plan.body.id },
    });
    await page.goto(`${world.server.url}/admin/licenses/${license.body.id}`);
    const users = page.getByRole('list', { name: 'Named users' });
    await users.getByText('No user has a seat yet.').waitFor();
    await page.getByLabel('User email or id').fill('ana@example.com');
    await page.getByRole('button', { name: 'Assign seat' }).click();
    await users.getByText('ana@example.com').waitFor();
    const listed = await world.server.request('GET', `/api/v1/licenses/${license.body.id}/users`, {
      token: owner,
    });
    expect(listed.body.data.map((u: { user: string }) => u.user)).toEqual(['ana@example.com']);
    await users.getByRole('button', { name: 'Unassign' }).click();
    await users.getByText('No user has a seat yet.').waitFor();
  });
});
