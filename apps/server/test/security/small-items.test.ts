import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWebApps } from '../../src/web/serve.js';
import { activate, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue N, the smaller items: each is the attacker's request and what must come back.

// Every request of this file is logged (KEYWARD_LOG_REQUESTS is read when the app is built) into `logged`,
// for the logged-URL check; the embedded engine serves one server, so this is the file's only one.
const logged: string[] = [];
const logDestination = new Writable({
  write(chunk, _enc, done) {
    logged.push(chunk.toString());
    done();
  },
});
const requestLogging = process.env.KEYWARD_LOG_REQUESTS;
beforeAll(() => {
  process.env.KEYWARD_LOG_REQUESTS = 'true';
});
afterAll(() => {
  if (requestLogging === undefined) delete process.env.KEYWARD_LOG_REQUESTS;
  else process.env.KEYWARD_LOG_REQUESTS = requestLogging;
});
const world = useServer({ config: { logLevel: 'info' }, logDestination });

describe('caller-supplied request ids', () => {
  it('keeps a well-formed X-Request-Id and replaces an over-long or odd one', async () => {
    const ok = await world.server.request('GET', '/health', { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(ok.headers.get('x-request-id')).toBe('trace-42.a:b');
    for (const bad of ['x'.repeat(129), '<script>alert(1)</script>', 'two words']) {
      const res = await world.server.request('GET', '/health', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('emergency-code redemption reports', () => {
  it('are accepted only for an issued, unredeemed slot', async () => {
    const license = await issueLicense(world.server, world.account);
    const seat = await activate(world.server, license.key, 'redeem-dev');
    const owner = await world.account.token('owner');
    const report = (slot: number) =>
      world.server.request('POST', '/api/v1/licensing/report', {
        body: {
          license_key: license.key,
          device_id: 'redeem-dev',
          kind: 'emergency_code_used',
          emergency_slot: slot,
        },
      });

    const neverIssued = await report(0);
    expect(neverIssued.status).toBe(409);
    expect(neverIssued.body.error.code).toBe('CONFLICT');

    const issued = await world.server.request(
      'POST',
      `/api/v1/activations/${seat.body.activation_id}/emergency-codes`,
      { token: owner, body: {} },
    );
    expect(issued.status).toBe(201);
    expect((await report(issued.body.slot)).status).toBe(202);
    expect((await report(issued.body.slot)).status).toBe(409);

    const redeemed = await world.server.request('GET', '/api/v1/events?type=emergency_code.redeemed', {
      token: owner,
    });
    expect(redeemed.body.data).toHaveLength(1);
  });
});

describe('methods', () => {
  it('answers a wrong method on an existing path with 405 and Allow, an unknown path with 404', async () => {
    const wrong = await world.server.request('DELETE', '/api/v1/licensing/activate');
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('POST');
    const withParam = await world.server.request(
      'PUT',
      '/api/v1/licenses/0b7c5f4e-4a4e-4a53-9d55-3c3f4b1e7a10',
    );
    expect(withParam.status).toBe(405);
    expect(withParam.headers.get('allow')?.split(', ')).toEqual(expect.arrayContaining(['GET', 'PATCH']));
    const unknown = await world.server.request('GET', '/api/v1/no-such-thing');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it("answers a method Node cannot parse with the one error body, not Node's default", async () => {
    const { hostname: host, port } = new URL(world.server.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), host, () =>
        socket.write('FROB /health HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body.error.code).toBe('INVALID_REQUEST');
    expect(body.error.message).toMatch(/method/);
  });
});

// Who may scrape /metrics (METRICS_TOKEN): src/ops/metrics.test.ts.

describe('web pages', () => {
  it('serves the HTML pages no-cache and only the hashed assets immutable', async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'keyward-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'admin.html'), '<!doctype html><title>admin</title>');
    writeFileSync(path.join(dist, 'portal.html'), '<!doctype html><title>portal</title>');
    writeFileSync(path.join(dist, 'assets', 'app-3f2a1b.js'), 'console.log(1)');
    const app = Fastify();
    await serveWebApps(app, `${dist}/`);
    try {
      for (const url of ['/admin', '/admin/licenses/1', '/portal']) {
        const page = await app.inject({ method: 'GET', url });
        expect(page.statusCode, url).toBe(200);
        expect(page.headers['cache-control'], url).toBe('no-cache');
      }
      const asset = await app.inject({ method: 'GET', url: '/assets/app-3f2a1b.js' });
      expect(asset.headers['cache-control']).toMatch(/immutable/);
    } finally {
      await app.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

describe('logged URLs', () => {
  it('carry no license key searched for with ?q=', async () => {
    const license = await issueLicense(world.server, world.account);
    const token = await world.account.token('owner');
    const found = await world.server.request('GET', `/api/v1/licenses?q=${encodeURIComponent(license.key)}`, {
      token,
    });
    expect(found.body.data.map((l: { id: string }) => l.id)).toEqual([license.id]);
    const out = logged.join('');
    expect(out).toContain('/api/v1/licenses?q=[redacted]');
    expect(out).not.toContain(license.key);
    expect(out).not.toContain(encodeURIComponent(license.key));
  });
});

describe('quota', () => {
  it('is not consumed by a read-only API key; a developer key may', async () => {
    const license = await issueLicense(
      world.server,
      world.account,
      {},
      {
        features: [
          {
            feature_id: 'exports',
            name: 'Exports',
            enabled: true,
            limit_value: 5,
            limit_type: 'count',
            period: 'day',
          },
        ],
      },
    );
    const owner = await world.account.token('owner');
    const key = async (role: string) =>
      (await world.server.request('POST', '/api/v1/api-keys', { token: owner, body: { name: role, role } }))
        .body.secret;
    const consume = (token: string) =>
      world.server.request('POST', '/api/v1/entitlements/check', {
        token,
        body: { license_key: license.key, feature: 'exports', consume: 1 },
      });
    const reader = await key('read_only');
    const refused = await consume(reader);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const ask = await world.server.request('POST', '/api/v1/entitlements/check', {
      token: reader,
      body: { license_key: license.key, feature: 'exports' },
    });
    expect(ask.body).toMatchObject({ allowed: true, used: 0 });
    expect((await consume(await key('developer'))).body).toMatchObject({ allowed: true, used: 1 });
  });
});
