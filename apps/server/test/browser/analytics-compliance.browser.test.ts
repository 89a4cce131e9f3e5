import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserRunsOn, ensureBuilt, launchChromium, signInToDashboard } from '../support/builds.js';
import { activate, createCustomer, createPlan, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Analytics and Compliance in the dashboard, with data made through the API: a paid subscription (the
// revenue job stores its day), a license of three seats on three devices that validate, and a device
// that reports its clock set back (a violation at once). The owner reads MRR and the plan's row, the
// active devices, seats and near-limit license, downloads a CSV, runs an audit, opens the violation,
// reads its evidence, acknowledges it with a note and downloads the customer's PDF report. A read-only
// user sees the same pages without a button they could not use. No console error throughout.
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

let browser: Browser;
let page: Page;
const errors: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: `${SHOTS}analytics-compliance-${name}.png`, fullPage: true });
}

/** The bytes of a download the click starts. */
async function downloaded(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

const signIn = (base: string, email: string, password: string) =>
  signInToDashboard(browser, base, email, password, errors);

// Issue M asks to see these pages on both engines with data.
describe.runIf(browserRunsOn('both'))('analytics and compliance in a browser', () => {
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

  async function revenueSnapshots() {
    const { jobs } = world.server.parts;
    const data = { account_id: world.account.accountId };
    let id = await jobs.enqueue('revenue-snapshots', data);
    while (!id) {
      await new Promise((r) => setTimeout(r, 200));
      id = await jobs.enqueue('revenue-snapshots', data);
    }
    const run = await jobs.waitFor('revenue-snapshots', id);
    expect(run.state, JSON.stringify(run.output)).toBe('completed');
  }

  it('shows revenue, usage and compliance with data; acknowledges a violation; exports CSV and PDF', async () => {
    const base = world.server.url;
    const suffix = Math.random().toString(36).slice(2, 8);
    const planName = `Insight Studio ${suffix}`;
    const plan = await createPlan(world.server, world.account, {
      name: planName,
      max_activations: 3,
      trial_allowed: false,
      trial_days: 0,
    });
    const customer = await createCustomer(world.server, world.account, {
      first_name: 'Iris',
      last_name: `Audit ${suffix}`,
    });
    // A paid monthly subscription: $49.00 of MRR once the revenue job has stored today.
    await ownerApi('POST', '/api/v1/subscriptions', {
      customer_id: customer.id,
      plan_id: plan.id,
      billing_cycle: 'monthly',
    });
    await revenueSnapshots();
    // A license of three seats, taken by three devices that each validate: at its seat limit.
    const license = await issueLicense(world.server, world.account, {
      plan_id: plan.id,
      customer_id: customer.id,
    });
    const tokens: string[] = [];
    for (const device of ['dev-a', 'dev-b', 'dev-c']) {
      const res = await activate(world.server, license.key, device);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      tokens.push(res.body.signed_token);
    }
    for (const [i, token] of tokens.entries()) {
      const res = await world.server.request('POST', '/api/v1/licensing/validate', {
        body: { token, device_id: `dev-${'abc'[i]}` },
      });
      expect(res.body.valid, JSON.stringify(res.body)).toBe(true);
    }
    // Its app reports the clock set back: a clock_tamper violation (medium).
    const report = await world.server.request('POST', '/api/v1/licensing/report', {
      body: {
        license_key: license.key,
        device_id: 'dev-a',
        kind: 'clock_tamper',
        details: { skew_seconds: -86_400 },
      },
    });
    expect(report.status, JSON.stringify(report.body)).toBe(202);
    // An audit of the license raises it too, if the report's own detector run has not (as the daily scan).
    await ownerApi('POST', '/api/v1/compliance/audits', { scope: 'license', license_id: license.id });
    const violations = await ownerApi(
      'GET',
      `/api/v1/compliance/violations?license_id=${license.id}&limit=10&offset=0`,
    );
    expect(violations.data).toHaveLength(1);
    const violationId = violations.data[0].id as string;
    // The usage rows are written by the recorder: wait until the report counts the three devices.
    await expect
      .poll(
        async () =>
          (await ownerApi('GET', `/api/v1/analytics/usage?range=24h&license_id=${license.id}`))
            .active_devices,
        {
          timeout: 15_000,
        },
      )
      .toBe(3);

    page = await signIn(base, world.account.ownerEmail, world.account.ownerPassword);

    // Analytics → Revenue: MRR, the plan's row, the chart, and its CSV.
    await page.getByRole('link', { name: 'Analytics' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Revenue' }).getAttribute('aria-selected')).toBe('true');
    const mrrCard = page.locator('dl').filter({ has: page.getByText('MRR', { exact: true }) });
    const revenue = await ownerApi('GET', '/api/v1/analytics/revenue');
    const usd = revenue.currencies.find((c: { currency: string }) => c.currency === 'usd');
    expect(usd.summary.mrr_cents).toBeGreaterThanOrEqual(4900);
    await mrrCard
      .getByText(`$${(usd.summary.mrr_cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`)
      .waitFor();
    const byPlan = page.getByRole('table', { name: 'MRR by plan on the last day' });
    await byPlan.getByRole('row').filter({ hasText: planName }).getByText('$49.00').first().waitFor(); // MRR (and ARPA)
    await page.getByRole('img', { name: 'MRR and ARR per period' }).locator('canvas').first().waitFor();
    await page.getByRole('table', { name: 'MRR movements, churn and trials per period' }).waitFor();
    await shot('01-revenue');
    const series = await downloaded(() =>
      page.getByRole('button', { name: 'Download CSV of MRR by plan' }).click(),
    );
    expect(series.name).toMatch(/^revenue-by_plan-.*\.csv$/);
    expect(series.bytes.toString('utf8')).toContain(plan.code);

    // Usage: the three devices, the plan's seats, the license at its limit (a link to it), platforms.
    await page.getByRole('tab', { name: 'Usage' }).click();
    const active = page.locator('dl').filter({ has: page.getByText('Active devices', { exact: true }) });
    await active.waitFor();
    const seats = page.getByRole('table', { name: 'Seats used and allowed per plan' });
    const planRow = seats.getByRole('row').filter({ hasText: planName });
    await planRow.waitFor();
    const usage = await ownerApi('GET', '/api/v1/analytics/usage?range=30d');
    await active.getByText(String(usage.active_devices), { exact: true }).waitFor();
    const planUsage = usage.by_plan.find((p: { plan_id: string }) => p.plan_id === plan.id);
    // The subscription's license has three seats too, none taken.
    expect(planUsage).toMatchObject({ licenses: 2, seats_used: 3, seats_allowed: 6 });
    await planRow.getByRole('cell', { name: '50%', exact: true }).waitFor();
    const near = page.getByRole('table', { name: 'Licenses at 80 % of a limit or more' });
    const last4 = license.key.slice(-4);
    await near.getByRole('link', { name: `••••${last4}` }).waitFor();
    await page
      .getByRole('table', { name: 'Live seats by platforms' })
      .getByText('mac', { exact: true })
      .waitFor();
    await page
      .getByRole('table', { name: 'Live seats by app versions' })
      .getByText('1.0.0', { exact: true })
      .waitFor();
    await page
      .getByRole('img', { name: 'Client calls per hour of the day' })
      .locator('canvas')
      .first()
      .waitFor();
    // Narrowed to the license: three devices.
    await page.getByLabel('Find a license').fill(license.key);
    await page.getByRole('combobox', { name: 'License' }).selectOption(license.id);
    await active.getByText('3', { exact: true }).waitFor();
    await shot('02-usage');
    const versions = await downloaded(() =>
      page.getByRole('button', { name: 'Download CSV of app versions' }).click(),
    );
    expect(versions.name).toMatch(/\.csv$/);
    expect(versions.bytes.toString('utf8')).toContain('1.0.0');

    // Compliance: the open violation by severity, in the list, the customer at risk, an audit run here.
    await page.getByRole('link', { name: 'Compliance' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Compliance' }).waitFor();
    const overview = await ownerApi('GET', '/api/v1/compliance/overview');
    await page
      .locator('dl')
      .filter({ has: page.getByText('Open · medium', { exact: true }) })
      .getByText(String(overview.open_by_severity.medium), { exact: true })
      .waitFor();
    const list = page.getByRole('table', { name: 'Violations, newest first' });
    const row = list
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'Clock tampering' }) })
      .first();
    await row.getByText('Medium', { exact: true }).waitFor();
    await row.getByText('Open', { exact: true }).waitFor();
    const customers = page.getByRole('table', { name: 'Customers by compliance score' });
    const customerRow = customers.getByRole('row').filter({ hasText: customer.email });
    await customerRow.waitFor();
    await customerRow.getByText(/\d+ \/ 100/).waitFor();
    await page.getByRole('button', { name: 'Run audit' }).click();
    const run = page.getByRole('alertdialog', { name: 'Run an audit of the account?' });
    await run.getByLabel('Notes (optional)').fill('browser audit');
    await run.getByRole('button', { name: 'Run audit' }).click();
    const audits = page.getByRole('table', { name: 'Audits, newest first' });
    await audits.getByRole('row').filter({ hasText: 'browser audit' }).getByText('On demand').waitFor();
    await shot('03-compliance');
    const pdf = await downloaded(() =>
      customerRow.getByRole('button', { name: `Compliance report of ${customer.email} as PDF` }).click(),
    );
    expect(pdf.name).toBe(`compliance-${customer.id}.pdf`);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = await downloaded(() =>
      customerRow.getByRole('button', { name: `Compliance report of ${customer.email} as CSV` }).click(),
    );
    expect(csv.bytes.toString('utf8')).toContain('clock_tamper');

    // The violation: its evidence in words, acknowledged with a note.
    await page.goto(`${base}/admin/compliance/violations/${violationId}`);
    await page.getByRole('heading', { level: 1, name: /Clock tampering/ }).waitFor();
    const evidence = page.getByRole('region', { name: 'Evidence' });
    await evidence.getByText('Reports', { exact: true }).waitFor();
    await evidence.getByText('Skew seconds', { exact: true }).waitFor();
    for (const name of ['Suspend license', 'Block device', 'Notify customer', 'Resolve', 'False positive'])
      await page.getByRole('button', { name, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    const ack = page.getByRole('alertdialog', { name: 'Acknowledge this violation?' });
    await ack.getByLabel('Note (optional)').fill('Asked the customer about it');
    await ack.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('violation-status').getByText('Acknowledged', { exact: true }).waitFor();
    await page.getByTestId('violation-note').getByText('Asked the customer about it').waitFor();
    expect(await ownerApi('GET', `/api/v1/compliance/violations/${violationId}`)).toMatchObject({
      status: 'acknowledged',
      status_note: 'Asked the customer about it',
    });
    await shot('04-violation');
    expect(errors).toEqual([]);
    await page.context().close();

    // A read-only user reads both pages, with no button they could not use.
    await world.account.token('read_only');
    page = await signIn(base, `read_only@${world.account.slug}.test`, world.account.ownerPassword);
    await page.goto(`${base}/admin/compliance`);
    await page.getByRole('table', { name: 'Violations, newest first' }).waitFor();
    await page.getByRole('table', { name: 'Audits, newest first' }).getByRole('row').nth(1).waitFor();
    expect(await page.getByRole('button', { name: 'Run audit' }).count()).toBe(0);
    await page.goto(`${base}/admin/compliance/violations/${violationId}`);
    await page.getByRole('region', { name: 'Evidence' }).getByText('Reports', { exact: true }).waitFor();
    for (const name of [
      'Acknowledge',
      'Resolve',
      'Reopen',
      'False positive',
      'Suspend license',
      'Block device',
      'Notify customer',
    ])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    await page.goto(`${base}/admin/analytics`);
    await page.getByRole('table', { name: 'MRR by plan on the last day' }).getByText(planName).waitFor();
    await shot('05-read-only');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);
});
