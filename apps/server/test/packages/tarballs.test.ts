import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKeySecret, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue I, installable packages: both packages pack into tarballs that install into a project outside
// this repository and work there, in plain Node, against a real server.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const world = useServer();
const dir = mkdtempSync(path.join(tmpdir(), 'keyward-tarballs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });

const APP = `
import { Enforcer } from '@keyward/enforce';
import { KeywardClient, MemoryStorage, machineFingerprint } from '@keyward/sdk/node';

const { KEYWARD_URL, LICENSE_KEY, API_KEY } = process.env;
const client = new KeywardClient({
  serverUrl: KEYWARD_URL,
  appId: 'com.example.outside',
  storage: new MemoryStorage(),
  fingerprint: () => machineFingerprint('com.example.outside'),
});
const activated = await client.activate(LICENSE_KEY);
const validated = await client.validate();
const enforcer = new Enforcer({ baseUrl: KEYWARD_URL, apiKey: API_KEY, failMode: 'closed' });
const allowed = await enforcer.requireFeature(LICENSE_KEY, 'advanced_reporting');
const denied = await enforcer.requireFeature(LICENSE_KEY, 'sso');
console.log(JSON.stringify({
  activated: activated.valid,
  validated: validated.valid,
  source: validated.source,
  allowed: allowed === null,
  denied: denied?.body.error_code,
}));
`;

describe('the SDK and enforce tarballs', () => {
  it('install outside the repository and work against a real server', { timeout: 240_000 }, async () => {
    for (const pkg of ['sdk', 'enforce'])
      npm(['pack', '--pack-destination', dir], path.join(ROOT, 'packages', pkg));
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    expect(tarballs.sort()).toEqual([
      expect.stringMatching(/^keyward-enforce-.*\.tgz$/),
      expect.stringMatching(/^keyward-sdk-.*\.tgz$/),
    ]);
    const project = path.join(dir, 'app');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'outside', private: true, type: 'module' }),
    );
    npm(
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => path.join(dir, t))],
      project,
    );
    writeFileSync(path.join(project, 'app.mjs'), APP);

    const license = await issueLicense(
      world.server,
      world.account,
      {},
      {
        features: [
          { feature_id: 'advanced_reporting', name: 'Reports', enabled: true },
          { feature_id: 'sso', name: 'SSO', enabled: false },
        ],
      },
    );
    const apiKey = await createApiKeySecret(world.server, world.account, 'read_only');
    // Asynchronously: the server answers from this very process.
    const { stdout: out } = await promisify(execFile)(process.execPath, ['app.mjs'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, KEYWARD_URL: world.server.url, LICENSE_KEY: license.key, API_KEY: apiKey },
      timeout: 60_000,
    });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
      activated: true,
      validated: true,
      source: 'online',
      allowed: true,
      denied: 'FEATURE_NOT_LICENSED',
    });
  });
});
