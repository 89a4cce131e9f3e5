import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, SDK_DIR } from '../support/builds.js';
import { issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

/**
 * The SDK's browser build (dist/browser: no dependencies, WebCrypto only) in headless Chromium: a test page
 * verifies license files (clear and encrypted) and an activation token issued by a real server.
 */
const PAGE_ORIGIN = 'http://localhost:5999'; // localhost is a secure context: WebCrypto is available

let browser: Browser;
let page: Page;

declare global {
  interface Window {
    sdk: typeof import('@keyward/sdk');
  }
}

describe.skipIf(!existsSync(CHROMIUM))('SDK in a browser', () => {
  const world = useServer();
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    const bundle = readFileSync(`${SDK_DIR}dist/browser/index.js`, 'utf8');
    await page.route(`${PAGE_ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/sdk.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
      return route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>sdk</title><script type="module">
          import * as sdk from '/sdk.js'; window.sdk = sdk; document.title = 'ready';
        </script>`,
      });
    });
    await page.goto(`${PAGE_ORIGIN}/`);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function offlineFile(deviceId: string, encrypt: boolean) {
    const license = await issueLicense(world.server, world.account);
    const request = {
      license_key: license.key,
      fingerprint: deviceId,
      device_info: { device_id: deviceId },
      nonce: `nonce-${deviceId}`,
      created_at: new Date().toISOString(),
      encrypt,
    };
    const res = await world.server.request('POST', '/api/v1/licensing/offline/activate', {
      body: { request },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { license, file: res.body.license_file as string };
  }

  it('verifies a license file, refuses it altered, and opens an encrypted one with the key', async () => {
    const plain = await offlineFile('browser-dev-1', false);
    const secret = await offlineFile('browser-dev-2', true);
    const jwks = (
      await world.server.request('GET', `/.well-known/jwks.json?account=${world.account.accountId}`)
    ).body;
    const result = await page.evaluate(
      async ({ plain, secret, jwks }) => {
        const { verifyLicenseFile } = window.sdk;
        const ok = await verifyLicenseFile(plain.file, { jwks, fingerprint: 'browser-dev-1' });
        const lines = plain.file.split('\n');
        const at = lines.indexOf('payload:') + 2;
        lines[at] = `${lines[at]!.slice(0, 10)}${lines[at]![10] === 'A' ? 'B' : 'A'}${lines[at]!.slice(11)}`;
        const altered = await verifyLicenseFile(lines.join('\n'), { jwks }).catch((e) => e.code);
        const opened = await verifyLicenseFile(secret.file, { jwks, licenseKey: secret.key });
        const locked = await verifyLicenseFile(secret.file, { jwks }).catch((e) => e.code);
        return { id: ok.license.id, tier: ok.license.tier, altered, openedId: opened.license.id, locked };
      },
      { plain: { file: plain.file }, secret: { file: secret.file, key: secret.license.key }, jwks },
    );
    expect(result).toEqual({
      id: plain.license.id,
      tier: plain.license.plan_code,
      altered: 'SIGNATURE_INVALID',
      openedId: secret.license.id,
      locked: 'DECRYPTION_FAILED',
    });
  });

  it('verifies an activation token with WebCrypto', async () => {
    const license = await issueLicense(world.server, world.account);
    const act = await world.server.request('POST', '/api/v1/licensing/activate', {
      body: {
        license_key: license.key,
        device_fingerprint: 'fp',
        device_info: { device_id: 'browser-dev-3' },
      },
    });
    const jwks = (
      await world.server.request('GET', `/.well-known/jwks.json?account=${world.account.accountId}`)
    ).body;
    const out = await page.evaluate(
      async ({ token, jwks }) => {
        const claims = await window.sdk.verifyLicenseToken(token, { jwks });
        const forged = await window.sdk
          .verifyLicenseToken(
            `${token.slice(0, -20)}${token.at(-20) === 'A' ? 'B' : 'A'}${token.slice(-19)}`,
            { jwks },
          )
          .catch((e) => e.code);
        return { license: claims.license_id, device: claims.device_id, forged };
      },
      { token: act.body.signed_token as string, jwks },
    );
    expect(out).toEqual({ license: license.id, device: 'browser-dev-3', forged: 'TOKEN_INVALID' });
  });
});
