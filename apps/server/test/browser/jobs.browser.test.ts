import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureBuilt, launchChromium } from '../support/builds.js';
import { useServer } from '../support/server.js';

// Issue J in the dashboard: the Jobs card on Settings shows every job's schedule and last run, and runs
// one now (owners and admins only: the jobs serve every account of the deployment).
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

describe.skipIf(!existsSync(CHROMIUM))('the Jobs card', () => {
  beforeAll(() => ensureBuilt(WEB_DIR, 'dist/admin.html', ['src', 'admin.html']), 180_000);
  const world = useServer({ web: true });
  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the jobs with their schedule, runs one now and shows how it went', async () => {
    await page.goto(`${world.server.url}/admin/`);
    await page.getByLabel('Email').fill(world.account.ownerEmail);
    await page.getByLabel('Password').fill(world.account.ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).first().click();

    const jobs = page.getByRole('table', { name: 'Jobs' });
    const lifecycle = jobs.getByRole('row').filter({ hasText: 'Expires licenses whose grace ended' });
    await lifecycle.getByText('*/5 * * * *').waitFor();
    await jobs.getByRole('row').filter({ hasText: 'release-lapsed-leases' }).getByText('* * * * *').waitFor();

    await lifecycle.getByRole('button', { name: 'Run now' }).click();
    await page.getByText('Run lifecycle').first().waitFor();
    // The card refreshes itself: the run's summary appears as its last run.
    await lifecycle.getByText('completed').waitFor({ timeout: 20_000 });
    await lifecycle.getByText(/expired \d+ · notices \d+/).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
