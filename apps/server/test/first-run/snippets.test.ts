import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enforceSnippet,
  type SnippetFacts,
  sdkSnippet,
} from '../../../web/src/admin/components/first-run/snippets.js';
import { ensureBuilt } from '../support/builds.js';
import { createApiKeySecret } from '../support/fixtures.js';
import { loadDemoCatalogue, useServer } from '../support/server.js';

// Issue I, first run: the overview's integration snippets are real code. Filled in with a test server's
// URL and a real license key, the SDK snippet runs in plain Node and activates a device, and the Fastify
// enforce snippet serves a guarded route. The snippets run as written; only what cannot be the same
// here is changed: HOME is a temp dir (the SDK keeps its file under ~), and the guard listens on a free
// port. The files sit under the repository (test-results/, ignored by git) so that `@keyward/sdk`,
// `@keyward/enforce` and `fastify` resolve to this workspace's packages.

const SERVER_DIR = fileURLToPath(new URL('../../', import.meta.url));
const ENFORCE_DIR = fileURLToPath(new URL('../../../../packages/enforce/', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node file` asynchronously (the test server answers from this very process). */
function runNode(file: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd: path.dirname(file),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${file} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `node file` and resolves with the child once it printed a line matching `ready`. */
function startNode(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd: path.dirname(file),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${file} never printed ${ready}\n${out}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code}) before it was ready\n${out}`));
    });
  });
}

describe('the first-run snippets, run for real', () => {
  const world = useServer();
  let dir: string;
  let facts: SnippetFacts;
  let licenseId: string;
  let freeKey: string;
  let token: string;

  beforeAll(async () => {
    // The enforce snippet imports @keyward/enforce from its build: build it when its sources are newer.
    ensureBuilt(ENFORCE_DIR, 'dist/index.js', ['src']);
    mkdirSync(path.join(SERVER_DIR, 'test-results'), { recursive: true });
    dir = mkdtempSync(path.join(SERVER_DIR, 'test-results', 'first-run-snippets-'));

    // As the checklist does it: the demo catalogue, then a test license on a plan of it.
    token = await world.account.token();
    const demo = await loadDemoCatalogue(world.server, world.account);
    const planId = (code: string) => demo.plans.find((p) => p.code === code)!.id;
    const issue = async (code: string) => {
      const res = await world.server.request('POST', '/api/v1/licenses', {
        token,
        body: { plan_id: planId(code), metadata: { test: true } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string; key: string };
    };
    const license = await issue('professional');
    licenseId = license.id;
    freeKey = (await issue('free')).key;
    facts = { serverUrl: world.server.url, licenseKey: license.key, planCode: 'professional' };
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the SDK snippet activates this device, then validates on the next start', async () => {
    const code = sdkSnippet(facts);
    expect(code).toContain(`serverUrl: '${world.server.url}'`);
    expect(code).toContain(`client.activate('${facts.licenseKey}')`);
    const home = path.join(dir, 'home');
    mkdirSync(home);
    const file = path.join(dir, 'sdk-snippet.mjs');
    writeFileSync(file, code);

    // `~/.config/my-app/license.json` and the fingerprint's fallback id land in the temp HOME.
    const first = await runNode(file, { HOME: home });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe('Licensed: professional (online)');
    expect(existsSync(path.join(home, '.config/my-app/license.json'))).toBe(true);

    const seats = await world.server.request('GET', `/api/v1/licenses/${licenseId}/activations`, { token });
    expect(seats.status).toBe(200);
    expect(seats.body.data).toHaveLength(1);
    expect(seats.body.data[0].status).toBe('active');

    // The next start finds the stored activation: it validates, and takes no second seat.
    const second = await runNode(file, { HOME: home });
    expect(second.stderr).toBe('');
    expect(second.stdout.trim()).toBe('Licensed: professional (online)');
    const after = await world.server.request('GET', `/api/v1/licenses/${licenseId}/activations`, { token });
    expect(after.body.data).toHaveLength(1);

    // And the checklist's last step is ticked from that real activation.
    const status = await world.server.request('GET', '/api/v1/first-run', { token });
    expect(status.body.steps).toEqual({ catalogue: true, license: true, integrate: true });
  });

  it('the Fastify enforce snippet guards a route with an API key made through the API', async () => {
    const code = enforceSnippet(facts, 'fastify');
    expect(code).toContain(`baseUrl: '${world.server.url}'`);
    expect(code).toContain("guard.requireTier('professional')");
    expect(code).toContain(`x-license-key: ${facts.licenseKey}`);
    // A free port instead of 3000, and a line that says which; the snippet is TypeScript (`!`,
    // `as string`), so its types are stripped as any TS toolchain would.
    expect(code.match(/port: 3000/g)).toHaveLength(1);
    const ts = `${code.replace('port: 3000', 'port: 0')}\nconsole.log(\`listening on \${(app.server.address() as { port: number }).port}\`);\n`;
    const file = path.join(dir, 'enforce-snippet.mjs');
    writeFileSync(file, (await transform(ts, { loader: 'ts', format: 'esm' })).code);

    // Any role may check licenses, as the checklist says: a read-only key is enough.
    const apiKey = await createApiKeySecret(world.server, world.account, 'read_only');
    const { child, match } = await startNode(file, { KEYWARD_API_KEY: apiKey }, /listening on (\d+)/);
    try {
      const url = `http://localhost:${match[1]}/reports`;
      const get = async (key?: string) => {
        const res = await fetch(url, { headers: key ? { 'x-license-key': key } : {} });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      expect(await get(facts.licenseKey)).toEqual({ status: 200, body: { ok: true } });
      const missing = await get();
      expect(missing.status).toBe(403);
      expect(missing.body.error_code).toBe('LICENSE_MISSING');
      const unknown = await get('ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ');
      expect(unknown.status).toBe(403);
      expect(unknown.body.error_code).toBe('LICENSE_INVALID');
      // The tier is ranked by the account's own plans: a free license is below professional.
      const lower = await get(freeKey);
      expect(lower.status).toBe(403);
      expect(lower.body.error_code).toBe('INSUFFICIENT_LICENSE_TIER');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = once(child, 'exit');
        child.kill();
        await gone;
      }
    }
  });

  it('the Express enforce snippet is valid TypeScript with the same guard', async () => {
    // express is not a dependency of this workspace, so this one is compiled, not run.
    const code = enforceSnippet(facts, 'express');
    expect(code).toContain("import { Enforcer, expressGuards } from '@keyward/enforce';");
    expect(code).toContain("guard.requireTier('professional')");
    await expect(transform(code, { loader: 'ts', format: 'esm' })).resolves.toBeDefined();
  });
});
