#!/usr/bin/env node
// Smoke test of the built apps in a real browser: serves dist/ with the same path → file mapping as the
// Keyward server, answers /api/v1/* from a small in-memory mock, and drives Chromium through sign-in,
// token refresh on 401, list pages, sign-out and the portal. Screenshots go to test-results/.
//   npm run build -w apps/web && npm run smoke -w apps/web
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const out = fileURLToPath(new URL('../test-results/', import.meta.url));
mkdirSync(out, { recursive: true });

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const user = {
  id: randomUUID(),
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'owner',
  account_id: randomUUID(),
};
const state = { access: new Set(), refresh: new Set(), refreshCalls: 0, expireNextAccess: false };

function issue() {
  const access = randomUUID();
  const refresh = randomUUID();
  state.access.add(access);
  state.refresh.add(refresh);
  return { access_token: access, token_type: 'Bearer', expires_in: 900, refresh_token: refresh, user };
}
const error = (code, message) => ({
  error: { code, message, details: {}, request_id: `req_${randomUUID().slice(0, 8)}` },
});
const plans = [
  ['free', 'Free', 0, 0, false],
  ['pro', 'Professional', 4900, 49000, true],
  ['ent', 'Enterprise', 19900, 199000, false],
].map(([code, name, m, y, popular], rank) => ({
  id: randomUUID(),
  code,
  name,
  rank,
  price_monthly_cents: m,
  price_yearly_cents: y,
  currency: 'usd',
  popular,
  features: [
    { feature_id: 'f1', name: 'Activations', enabled: true, limit_value: [1, 5, 50][rank], period: 'total' },
    {
      feature_id: 'f2',
      name: 'API requests',
      enabled: true,
      limit_value: [1000, 100000, null][rank],
      period: 'month',
    },
    { feature_id: 'f3', name: 'Offline activation', enabled: rank > 0, limit_value: null, period: null },
    { feature_id: 'f4', name: 'SSO', enabled: rank > 1, limit_value: null, period: null },
  ],
}));

async function api(req, body) {
  const path = req.url.split('?')[0];
  const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const authed = () => state.access.has(bearer);
  if (path === '/api/v1/auth/login' && req.method === 'POST') {
    return body.password === 'correct-horse'
      ? [200, issue()]
      : [401, error('INVALID_CREDENTIALS', 'Email or password is incorrect.')];
  }
  if (path === '/api/v1/auth/refresh') {
    state.refreshCalls++;
    if (!state.refresh.delete(body.refresh_token))
      return [401, error('TOKEN_INVALID', 'Refresh token is not valid.')];
    return [200, issue()];
  }
  if (path === '/api/v1/auth/logout')
    return state.refresh.delete(body.refresh_token) ? [204, null] : [401, error('TOKEN_INVALID', 'x')];
  if (path === '/api/v1/portal/plans') return [200, { data: plans }];
  if (path === '/api/v1/portal/license-lookup')
    return [404, error('LICENSE_NOT_FOUND', 'No license with this key.')];
  if (!authed()) return [401, error('UNAUTHENTICATED', 'Sign in first.')];
  if (state.expireNextAccess) {
    state.expireNextAccess = false;
    state.access.delete(bearer);
    return [401, error('TOKEN_EXPIRED', 'Access token expired.')];
  }
  if (path === '/api/v1/auth/me') {
    const now = new Date().toISOString();
    return [
      200,
      {
        user: { ...user, status: 'active', last_login_at: now, created_at: now, updated_at: now },
        account: { id: user.account_id, slug: 'acme', name: 'Acme Software' },
      },
    ];
  }
  if (path === '/api/v1/analytics/overview') {
    return [
      200,
      {
        licenses_by_status: { active: 8, suspended: 1 },
        licenses_total: 9,
        customers: 25,
        active_devices_24h: 4,
        tier_distribution: [{ code: 'pro', name: 'Pro', rank: 1, licenses: 8, mrr_cents: 23200 }],
        mrr_cents: 23200,
        expiring_30d: { count: 0, licenses: [] },
        recent_activations: [],
        alerts: [],
        generated_at: new Date().toISOString(),
      },
    ];
  }
  if (path === '/api/v1/analytics/timeseries') {
    return [200, { metric: 'activations', interval: 'day', range: '30d', points: [] }];
  }
  if (path === '/api/v1/customers') {
    const data = Array.from({ length: 25 }, (_, i) => ({
      id: randomUUID(),
      email: `buyer${i}@example.com`,
      company_name: i % 3 ? `Company ${i}` : null,
      first_name: 'Sam',
      last_name: `Buyer ${i}`,
      status: ['active', 'suspended', 'cancelled'][i % 3],
      created_at: new Date(Date.now() - i * 86400e3).toISOString(),
    }));
    return [200, { data, pagination: { limit: 25, offset: 0, has_more: true } }];
  }
  return [404, error('ROUTE_NOT_FOUND', `Route ${req.method}:${path} not found`)];
}

const server = createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  if (path.startsWith('/api/')) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const [status, payload] = await api(req, raw ? JSON.parse(raw) : {});
    res.writeHead(status, payload === null ? {} : { 'content-type': 'application/json' });
    return res.end(payload === null ? undefined : JSON.stringify(payload));
  }
  // The server's mapping: /assets/* static, /admin[/*] → admin.html, /portal[/*] → portal.html.
  let file = null;
  if (path.startsWith('/assets/') && !path.includes('..')) file = join(dist, path);
  for (const app of ['admin', 'portal'])
    if (path === `/${app}` || path.startsWith(`/${app}/`)) file = join(dist, `${app}.html`);
  if (!file || !existsSync(file)) {
    res.writeHead(404);
    return res.end('not found');
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'",
  });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Chromium logs every 4xx fetch; the pages that expect one are checked separately.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
  });

  await page.goto(`${base}/admin`);
  await page.getByRole('heading', { name: 'Sign in to Keyward' }).waitFor();
  check(
    page.url().endsWith('/admin/sign-in?redirect=%2F'),
    `unauthenticated /admin redirects to sign-in (${page.url()})`,
  );
  await page.screenshot({ path: join(out, 'admin-sign-in.png') });

  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  check(
    (await page.getByRole('alert').textContent()).includes('do not match'),
    'wrong password shows an error',
  );
  await page.screenshot({ path: join(out, 'admin-sign-in-error.png') });

  await page.getByLabel('Password').fill('correct-horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByText('Tier distribution').waitFor();
  check(/\/admin\/?$/.test(page.url()), `after sign-in lands on /admin (${page.url()})`);
  await page.screenshot({ path: join(out, 'admin-overview.png') });

  state.expireNextAccess = true;
  const refreshesBefore = state.refreshCalls;
  await page.getByRole('link', { name: 'Customers' }).first().click();
  await page.getByRole('cell', { name: /buyer0@example.com/ }).waitFor();
  check(
    state.refreshCalls === refreshesBefore + 1,
    'a 401 triggers exactly one refresh and the retry succeeds',
  );
  await page.screenshot({ path: join(out, 'admin-customers.png') });

  await page.reload();
  await page.getByRole('heading', { name: 'Customers' }).waitFor();
  await page.getByRole('cell', { name: /buyer0@example.com/ }).waitFor();
  check(true, 'reload restores the session from the refresh token');

  await page.getByRole('link', { name: 'Licenses' }).first().click();
  await page.getByText('Not available on this server yet').waitFor();
  check(true, 'missing endpoint shows the error state');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Open menu' }).click();
  await page.screenshot({ path: join(out, 'admin-phone-menu.png') });
  await page.keyboard.press('Escape');
  check(
    await page.getByRole('button', { name: 'Open menu' }).evaluate((el) => el === document.activeElement),
    'Escape closes the phone menu and returns focus',
  );
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Keyward' }).waitFor();
  check((await page.evaluate(() => localStorage.length)) === 0, 'sign-out clears the refresh token');
  check(consoleErrors.length === 0, `admin: no console errors ${consoleErrors.join(' | ')}`);

  const portal = await context.newPage();
  const portalErrors = [];
  portal.on('pageerror', (e) => portalErrors.push(e.message));
  portal.on(
    'console',
    (m) =>
      m.type() === 'error' && !m.text().startsWith('Failed to load resource') && portalErrors.push(m.text()),
  );
  await portal.setViewportSize({ width: 1280, height: 800 });
  await portal.goto(`${base}/portal`);
  await portal.getByRole('heading', { name: 'Professional' }).waitFor();
  await portal.getByText('Yearly').click();
  await portal.getByText('billed yearly').first().waitFor();
  check(true, 'portal pricing renders and switches to yearly');
  await portal.screenshot({ path: join(out, 'portal.png'), fullPage: true });
  await portal.getByLabel('License key').fill('abcd-efgh-ijkl-mnop');
  await portal.getByRole('button', { name: 'Check license' }).click();
  await portal.getByText('No license matches this key').waitFor();
  check(true, 'license lookup shows not-found');
  await portal.setViewportSize({ width: 390, height: 844 });
  await portal.screenshot({ path: join(out, 'portal-phone.png'), fullPage: true });
  check(portalErrors.length === 0, `portal: no console errors ${portalErrors.join(' | ')}`);
} finally {
  await browser.close();
  server.close();
}
console.log(`\nScreenshots in ${out}`);
if (failures.length) process.exit(1);
