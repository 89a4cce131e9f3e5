import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runApp } from '../../../../examples/desktop-app/app.js';
import { issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

/** examples/desktop-app, a Node CLI licensed with the SDK, against a real server: online, offline, air-gapped. */
const APP_DIR = fileURLToPath(new URL('../../../../examples/desktop-app/', import.meta.url));
const w = useServer();

function machine(fingerprint: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-editor-'));
  const lines: string[] = [];
  const run = async (args: string[], serverUrl = w.server.url) => {
    lines.length = 0;
    const code = await runApp(args, { serverUrl, dataDir, fingerprint, out: (l) => lines.push(l) });
    return { code, output: lines.join('\n') };
  };
  return { dataDir, run };
}

describe('example desktop app', () => {
  it('activates, runs gated features, keeps working when the server is gone, deactivates', async () => {
    const license = await issueLicense(
      w.server,
      w.account,
      {},
      {
        features: [{ feature_id: 'advanced_reporting', name: 'Reports', enabled: true }],
      },
    );
    const m = machine('editor-dev-1');
    expect(await m.run(['report'])).toMatchObject({
      code: 2,
      output: expect.stringContaining('NOT_ACTIVATED'),
    });
    expect(await m.run(['activate', license.key])).toMatchObject({
      code: 0,
      output: expect.stringContaining('licensed:'),
    });
    expect((await m.run(['edit'])).code).toBe(0);
    expect((await m.run(['report'])).code).toBe(0);
    expect(await m.run(['sync'])).toMatchObject({ code: 2, output: expect.stringContaining('api_access') });

    // The server is unreachable: the app keeps working from its cached signed token.
    const offline = await m.run(['report'], 'http://127.0.0.1:9');
    expect(offline.code).toBe(0);
    expect(offline.output).toMatch(/offline, offline until/);

    const owner = await w.account.token('owner');
    await w.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: owner,
      body: { reason: 'unpaid invoice' },
    });
    expect(await m.run(['edit'])).toMatchObject({
      code: 2,
      output: expect.stringContaining('LICENSE_SUSPENDED'),
    });
    await w.server.request('POST', `/api/v1/licenses/${license.id}/reinstate`, { token: owner, body: {} });
    expect((await m.run(['deactivate'])).code).toBe(0);
    expect((await m.run(['edit'])).code).toBe(2);
  });

  it('air-gapped: request file → portal → license file → works with no server at all', async () => {
    const license = await issueLicense(w.server, w.account);
    const m = machine('editor-dev-2');
    const requestFile = join(m.dataDir, 'activation-request.txt');
    expect((await m.run(['request', license.key, requestFile], 'http://127.0.0.1:9')).code).toBe(0);
    // The customer uploads the request from another machine.
    const res = await w.server.request('POST', '/api/v1/licensing/offline/activate', {
      body: { request: readFileSync(requestFile, 'utf8') },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const licenseFile = join(m.dataDir, 'license.lic');
    execFileSync('bash', ['-c', 'cat > "$1"', '_', licenseFile], { input: res.body.license_file });
    // The app never talks to the server: a public key set is stored with the file.
    const jwks = (await w.server.request('GET', `/.well-known/jwks.json?account=${w.account.accountId}`))
      .body;
    execFileSync('bash', ['-c', 'cat > "$1"', '_', join(m.dataDir, 'jwks.json')], {
      input: JSON.stringify(jwks),
    });
    const installed = await m.run(['install', licenseFile, license.key], 'http://127.0.0.1:9');
    expect(installed, installed.output).toMatchObject({
      code: 0,
      output: expect.stringContaining('license_file'),
    });
    expect((await m.run(['sync'], 'http://127.0.0.1:9')).code).toBe(0);
  });

  it('runs as a real CLI process', async () => {
    const license = await issueLicense(w.server, w.account);
    const env = {
      ...process.env,
      KEYWARD_URL: w.server.url,
      KEYWARD_APP_DIR: mkdtempSync(join(tmpdir(), 'kw-cli-')),
      KEYWARD_FINGERPRINT: 'cli-dev',
    };
    // Asynchronous: the server answering the CLI runs in this process.
    const cli = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'cli.ts', ...args],
          { cwd: APP_DIR, env },
          (err, stdout, stderr) =>
            resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const before = await cli('status');
    expect(before.status).toBe(2);
    expect(before.stdout).toContain('NOT_ACTIVATED');
    const activated = await cli('activate', license.key);
    expect(activated.status, activated.stdout + activated.stderr).toBe(0);
    expect(activated.stdout).toContain(`licensed: ${license.plan_code} (online)`);
    expect((await cli('bogus')).status).toBe(1);
  });
});
