import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureBuilt, launchChromium } from '../support/builds.js';
import { activate } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue H in the dashboard: the plan editor's policy (presets, plain-language help, overrides only)
// and the license page's seats and leases.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
let browser: Browser;
let page: Page;

describe.skipIf(!existsSync(CHROMIUM))('license policies in the dashboard', () => {
  beforeAll(() => ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']), 180_000);
  const world = useServer({ web: true });
  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
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
    await dialog.getByRole('button', { name: 'Floating, 10 concurrent, 15 min lease' }).click();
    expect(await dialog.getByLabel('License type').inputValue()).toBe('concurrent');
    expect(await dialog.getByLabel('Max seats').inputValue()).toBe('10');
    // Help says what the default is for this type; a change is kept as an override.
    await dialog.getByText('Default: leases.').waitFor();
    await dialog.getByLabel('Lease revival (minutes)').fill('5');
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
    await page.getByText('Seats (leases)').waitFor();
    await page
      .getByText(/lease until/)
      .first()
      .waitFor();
    expect(await page.getByText(/lease until/).count()).toBe(2);
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
