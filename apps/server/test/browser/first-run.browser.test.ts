import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KeywardClient, MemoryStorage } from '@keyward/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { browserRunsOn, ensureBuilt, launchChromium, signInToDashboard } from '../support/builds.js';
import { freePort } from '../support/cli.js';
import { createTestAccount, type TestAccount, useServer } from '../support/server.js';

// Issue I, first run: a new account starts empty; the overview's checklist walks the vendor from
// nothing to a licensed app (a product, the demo plans, a test license, snippets with this server's URL
// and the real key), ticks each step from real data, and can be dismissed for good.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

let browser: Browser;
let page: Page;
const errors: string[] = [];

/** A new browser context signed in as the account's owner (its errors collected in `errors`). */
const signIn = (base: string, account: TestAccount) =>
  signInToDashboard(browser, base, account.ownerEmail, account.ownerPassword, errors);

const checklistOf = (p: Page) => p.getByRole('region', { name: 'First-run checklist' });

/** A step of the checklist in the given state, as a screen reader announces it: "(done)" / "(to do)". */
const stepOf = (p: Page, title: string, state: 'done' | 'to do') =>
  checklistOf(p)
    .getByRole('listitem')
    .filter({ has: p.getByRole('heading', { level: 3, name: title, exact: true }) })
    .filter({ hasText: `(${state})` });

/**
 * Reloads the overview and waits until the first-run answer has been rendered: the checklist is absent
 * both while it loads and when it is hidden, so its absence means something only after that.
 */
async function reloadOverview(p: Page) {
  await p.reload();
  await p.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await p.getByRole('term').filter({ hasText: 'Active licenses' }).waitFor();
  // The reloaded document's own request has been answered (resource timings are per document, and an
  // entry is added when its response has ended)...
  await p.waitForFunction(() =>
    performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname === '/api/v1/first-run'),
  );
  // ...and nothing more is in flight, and React has committed a frame since.
  await p.waitForLoadState('networkidle');
  await p.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
}

describe.runIf(browserRunsOn('embedded'))('first run in a browser', () => {
  const config: Partial<Config> = {};
  beforeAll(async () => {
    // The dashboard is built before the server that serves it starts.
    ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']);
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    Object.assign(config, { port, publicUrl: `http://127.0.0.1:${port}` });
  }, 180_000);
  const world = useServer({ web: true, config });
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page)
      await page.screenshot({ path: `${SHOTS}first-run-failure.png`, fullPage: true }).catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('takes an empty account to a licensed app, step by step', async () => {
    const base = world.server.url;
    expect(base).toBe(world.server.ctx.config.publicUrl);
    const token = await world.account.token();
    page = await signIn(base, world.account);
    const checklist = checklistOf(page);

    // A new account: the checklist, every step to do.
    await checklist.getByRole('heading', { level: 2, name: 'Get started' }).waitFor();
    for (const title of ['Create a product and a plan', 'Issue a license', 'Integrate'])
      expect(await stepOf(page, title, 'to do').count(), title).toBe(1);
    await checklist.getByText('Issue a license first: the snippets then carry its key.').waitFor();
    await page.screenshot({ path: `${SHOTS}first-run-01-new-account.png`, fullPage: true });

    // Step 1: a product from the form (its code follows the name), then the demo plans.
    await checklist.getByLabel('Product name').fill('Acme Editor');
    expect(await checklist.getByLabel('Product code').inputValue()).toBe('acme-editor');
    await checklist.getByRole('button', { name: 'Create product' }).click();
    await checklist.getByRole('button', { name: 'Create product' }).waitFor({ state: 'detached' });
    await checklist.getByRole('link', { name: 'Create a plan on the Plans page' }).waitFor();
    expect(await stepOf(page, 'Create a product and a plan', 'to do').count()).toBe(1); // no plan yet
    await checklist.getByRole('button', { name: 'Load demo data' }).click();
    await stepOf(page, 'Create a product and a plan', 'done').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: 'Demo data loaded' })
      .filter({ hasText: 'Plans free, basic, professional, enterprise' })
      .waitFor();
    await checklist.getByRole('button', { name: 'Issue a test license (free)' }).waitFor();
    expect(await checklist.getByRole('button', { name: 'Load demo data' }).count()).toBe(0);
    const products = await world.server.request('GET', '/api/v1/products?q=acme-editor', { token });
    expect(products.body.data.map((p: { code: string }) => p.code)).toEqual(['acme-editor']);
    await page.screenshot({ path: `${SHOTS}first-run-02-catalogue.png`, fullPage: true });

    // The plans are there for the rest of the dashboard too.
    await page.getByRole('link', { name: 'Plans' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Plans' }).waitFor();
    for (const name of ['Free', 'Basic', 'Professional', 'Enterprise'])
      await page.getByRole('cell', { name: `${name} ${name.toLowerCase()}`, exact: true }).waitFor();
    await page.getByRole('link', { name: 'Overview' }).first().click();
    await stepOf(page, 'Issue a license', 'to do').waitFor();

    // Step 2: a test license.
    await checklist.getByRole('button', { name: 'Issue a test license (free)' }).click();
    await stepOf(page, 'Issue a license', 'done').waitFor();
    await page.getByRole('status').filter({ hasText: 'Test license issued' }).waitFor();
    expect(await stepOf(page, 'Integrate', 'to do').count()).toBe(1);

    // Step 3: the snippets carry this server's URL and the real key of that license.
    const status = await world.server.request('GET', '/api/v1/first-run', { token });
    const licenseKey: string = status.body.license.key;
    expect(licenseKey).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    const licenses = await world.server.request('GET', '/api/v1/licenses?limit=10&offset=0', { token });
    expect(licenses.body.data).toHaveLength(1);
    expect(licenseKey.endsWith(licenses.body.data[0].key_last4)).toBe(true);
    await checklist.getByRole('button', { name: 'Copy SDK snippet' }).waitFor();
    const sdk = (await checklist.getByTestId('sdk-snippet').textContent()) ?? '';
    expect(sdk).toContain(`serverUrl: '${base}'`);
    expect(sdk).toContain(`await client.activate('${licenseKey}')`);
    expect(sdk).not.toContain('YOUR-LICENSE-KEY');

    // Fastify by default; Express on a click, and back.
    const enforce = checklist.getByTestId('enforce-snippet');
    await checklist.getByRole('button', { name: 'Fastify', pressed: true }).waitFor();
    let guard = (await enforce.textContent()) ?? '';
    expect(guard).toContain('fastifyGuards(enforcer');
    expect(guard).toContain(`baseUrl: '${base}'`);
    expect(guard).toContain("guard.requireTier('free')");
    expect(guard).toContain(`x-license-key: ${licenseKey}`);
    await checklist.getByRole('button', { name: 'Express' }).click();
    await checklist.getByRole('button', { name: 'Express', pressed: true }).waitFor();
    expect(await checklist.getByRole('button', { name: 'Fastify', pressed: true }).count()).toBe(0);
    guard = (await enforce.textContent()) ?? '';
    expect(guard).toContain('expressGuards(enforcer');
    expect(guard).toContain("import express from 'express';");
    expect(guard).not.toContain('fastify');
    await page.screenshot({ path: `${SHOTS}first-run-03-integrate.png`, fullPage: true });
    await checklist.getByRole('button', { name: 'Fastify' }).click();
    await checklist.getByRole('button', { name: 'Fastify', pressed: true }).waitFor();
    expect(await enforce.textContent()).toContain('fastifyGuards(enforcer');

    // The app integrates: the SDK, pointed where the snippet says, activates with the snippet's key.
    const serverUrl = /serverUrl: '([^']+)'/.exec(sdk)![1]!;
    const snippetKey = /client\.activate\('([^']+)'\)/.exec(sdk)![1]!;
    const client = new KeywardClient({
      serverUrl,
      appId: 'com.example.first-run',
      storage: new MemoryStorage(),
      fingerprint: 'first-run-browser-device',
    });
    const activated = await client.activate(snippetKey);
    expect(activated.valid).toBe(true);
    expect(activated.tier).toBe('free');

    // On reload step 3 is ticked, so the whole checklist is done and gone.
    await reloadOverview(page);
    const done = await world.server.request('GET', '/api/v1/first-run', { token });
    expect(done.body.steps).toEqual({ catalogue: true, license: true, integrate: true });
    expect(await checklist.count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Get started' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}first-run-04-done.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('can be dismissed, and stays dismissed after a reload', async () => {
    const account = await createTestAccount(world.server);
    page = await signIn(world.server.url, account);
    const checklist = checklistOf(page);
    await checklist.getByRole('heading', { level: 2, name: 'Get started' }).waitFor();
    await checklist.getByRole('button', { name: 'Dismiss' }).click();
    await checklist.waitFor({ state: 'detached' });

    // Nothing is done, yet the checklist stays hidden: the dismissal is remembered.
    await reloadOverview(page);
    const status = await world.server.request('GET', '/api/v1/first-run', { token: await account.token() });
    expect(status.body.steps).toEqual({ catalogue: false, license: false, integrate: false });
    expect(await checklist.count()).toBe(0);

    // Per account: another new account signing in on the same browser still gets its checklist.
    const other = await createTestAccount(world.server);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(other.ownerEmail);
    await page.getByLabel('Password').fill(other.ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await checklist.getByRole('heading', { level: 2, name: 'Get started' }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
