import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureBuilt, launchChromium } from '../support/builds.js';
import { activate } from '../support/fixtures.js';
import { createTestAccount, type TestAccount, useServer } from '../support/server.js';

// Issue I, first run: a new account starts empty; the overview's checklist walks the vendor from
// nothing to a licensed app (product, demo plans, a test license, snippets with this server's URL and
// the real key), ticks each step from real data, and can be dismissed.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
let browser: Browser;

async function signIn(base: string, account: TestAccount): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${base}/admin/`);
  await page.getByLabel('Email').fill(account.ownerEmail);
  await page.getByLabel('Password').fill(account.ownerPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return page;
}
const step = (page: Page, n: number) => page.getByTestId(`first-run-step-${n}`);

describe.skipIf(!existsSync(CHROMIUM))('first run in a browser', () => {
  beforeAll(() => ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']), 180_000);
  const world = useServer({ web: true });
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('takes an empty account to a licensed app, step by step', async () => {
    const base = world.server.url;
    const page = await signIn(base, world.account);
    const checklist = page.getByLabel('First-run checklist');
    await checklist.waitFor();
    for (const n of [1, 2, 3]) expect(await step(page, n).getAttribute('data-done')).toBe('false');

    await page.getByLabel('Product name').fill('Acme Editor');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('button', { name: 'Load demo data' }).click();
    await page.locator('[data-testid="first-run-step-1"][data-done="true"]').waitFor();

    await page.getByRole('button', { name: /Issue a test license/ }).click();
    await page.locator('[data-testid="first-run-step-2"][data-done="true"]').waitFor();

    const sdk = (await page.getByTestId('sdk-snippet').textContent()) ?? '';
    // The snippets name the server as its clients reach it (PUBLIC_URL).
    expect(sdk).toContain(`serverUrl: '${world.server.ctx.config.publicUrl}'`);
    const key = /client\.activate\('([^']+)'\)/.exec(sdk)?.[1];
    expect(key).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    expect(await page.getByTestId('enforce-snippet').textContent()).toContain('fastifyGuards');
    await page.getByRole('button', { name: 'Express' }).click();
    expect(await page.getByTestId('enforce-snippet').textContent()).toContain('expressGuards');

    // The app integrates: a device activates with the key the snippet carries; the checklist is done.
    expect((await activate(world.server, key!, 'first-run-device')).status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByLabel('First-run checklist').count()).toBe(0);
  });

  it('can be dismissed, and stays dismissed', async () => {
    const account = await createTestAccount(world.server);
    const page = await signIn(world.server.url, account);
    await page.getByLabel('First-run checklist').waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.getByLabel('First-run checklist').count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByLabel('First-run checklist').count()).toBe(0);
  });
});
