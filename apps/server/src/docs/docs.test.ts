import { ERROR_CATALOGUE, KeywardClient, LicenseError, MemoryStorage } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../test/support/server.js';
import { LICENSE_OUTCOMES } from '../licenses/decision.js';

const world = useServer();

describe('the error catalogue the SDK links to', () => {
  it('explains every SDK code and every license outcome of the server, as HTML and JSON', async () => {
    const page = await fetch(`${world.server.url}/docs/errors`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    for (const code of Object.keys(ERROR_CATALOGUE)) expect(html).toContain(`<section id="${code}">`);
    for (const code of LICENSE_OUTCOMES.filter((c) => c !== 'VALID'))
      expect(ERROR_CATALOGUE).toHaveProperty(code);
    const json = await (await fetch(`${world.server.url}/docs/errors.json`)).json();
    expect(json.LICENSE_REVOKED).toEqual(ERROR_CATALOGUE.LICENSE_REVOKED);
  });

  it('an SDK error carries a user message and a link into this page', async () => {
    const client = new KeywardClient({
      serverUrl: world.server.url,
      fingerprint: 'docs-dev',
      storage: new MemoryStorage(),
    });
    const err = await client.activate('KWABC-DEFGH-JKLMN-PQRST-VWXYZ').catch((e) => e);
    expect(err).toBeInstanceOf(LicenseError);
    expect(err.code).toBe('LICENSE_NOT_FOUND');
    expect(err.userMessage).toBe('This license key was not recognised. Check it for typos and try again.');
    expect(err.message).not.toBe(err.userMessage); // the developer message stays the server's
    expect(err.docUrl).toBe(`${world.server.url}/docs/errors#LICENSE_NOT_FOUND`);
    expect(await (await fetch(err.docUrl)).text()).toContain('<section id="LICENSE_NOT_FOUND">');
  });
});

describe('/redoc', () => {
  it('serves ReDoc on the OpenAPI document, its bundle from this server (no CDN)', async () => {
    const page = await fetch(`${world.server.url}/redoc`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<redoc spec-url="/openapi.json">');
    const src = /<script src="([^"]+)"><\/script>/.exec(html)?.[1];
    expect(src).toBe('/redoc/redoc.standalone.js');
    expect(html).not.toMatch(/https?:\/\//); // nothing fetched from elsewhere
    // Its own CSP: injected styles and a blob: worker, but scripts only from this origin.
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("worker-src 'self' blob:");

    const bundle = await fetch(`${world.server.url}${src}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${world.server.url}/openapi.json`)).status).toBe(200);
  });
});
