import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { parseAllowList, resolveWebhookTarget } from './url-guard.js';

// Deliveries are checked by an independent implementation of Standard Webhooks (the `standardwebhooks`
// package), against a real HTTP receiver on loopback (allow-listed in the test configuration).
const world = useServer();

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver: records every request; `answer` says the status for each path (default 200). */
const received: Received[] = [];
const answers = new Map<string, number[]>();
let receiver: Server;
let base: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const queue = answers.get(req.url ?? '');
      res.statusCode = queue?.shift() ?? 200;
      res.end(res.statusCode === 200 ? 'ok' : `status ${res.statusCode}`);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

async function owner() {
  return world.account.token('owner');
}

async function createEndpoint(path: string, body: Record<string, unknown> = {}) {
  const res = await world.server.request('POST', '/api/v1/webhook-endpoints', {
    token: await owner(),
    body: { url: base + path, ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; enabled: boolean };
}

/** Waits for the requests to `path` to reach `count`. */
async function receivedAt(path: string, count = 1) {
  await expect
    .poll(() => received.filter((r) => r.path === path).length, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(count);
  return received.filter((r) => r.path === path);
}

function verify(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }) as { type: string; data: Record<string, any> };
}

describe('outbound webhooks', () => {
  it('signs each delivery as Standard Webhooks says; a tampered body or an old timestamp fails the check', async () => {
    const endpoint = await createEndpoint('/signed');
    expect(endpoint.secret).toMatch(/^whsec_/);
    const test = await world.server.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/test`, {
      token: await owner(),
    });
    expect(test.status).toBe(202);
    // An endpoint hears of its own creation first (every event of the account), then the test.
    const got = await receivedAt('/signed', 2);
    const delivery = got.find((r) => r.body.includes('"webhook_endpoint.test"'));
    expect(got.map((r) => verify(endpoint.secret, r).type).sort()).toEqual([
      'webhook_endpoint.created',
      'webhook_endpoint.test',
    ]);
    const payload = verify(endpoint.secret, delivery!);
    expect(payload.type).toBe('webhook_endpoint.test');
    expect(payload.data).toMatchObject({ subject: { type: 'webhook_endpoint', id: endpoint.id } });
    expect(() =>
      verify(endpoint.secret, { ...delivery!, body: delivery!.body.replace('test', 'tset') }),
    ).toThrow();
    const old = String(Math.floor(Date.now() / 1000) - 6 * 60);
    expect(() =>
      verify(endpoint.secret, { ...delivery!, headers: { ...delivery!.headers, 'webhook-timestamp': old } }),
    ).toThrow();
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, delivery!)).toThrow();
  });

  it('delivers the events an endpoint asked for, and only those', async () => {
    const licenses = await createEndpoint('/licenses', { event_types: ['license.*'] });
    const customers = await createEndpoint('/customers', { event_types: ['customer.created'] });
    const license = await issueLicense(world.server, world.account);
    const suspended = await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: await owner(),
      body: { reason: 'testing webhooks' },
    });
    expect(suspended.status).toBe(200);
    const got = await receivedAt('/licenses', 2);
    const types = got.map((r) => verify(licenses.secret, r).type);
    expect(types).toEqual(expect.arrayContaining(['license.created', 'license.suspended']));
    const body = got.map((r) => verify(licenses.secret, r)).find((p) => p.type === 'license.suspended')!;
    expect(body.data).toMatchObject({
      subject: { type: 'license', id: license.id },
      actor: { type: 'user' },
      details: { reason: 'testing webhooks', to_status: 'suspended' },
    });
    const customerEvents = await receivedAt('/customers', 1);
    expect(customerEvents.map((r) => verify(customers.secret, r).type)).toEqual(['customer.created']);
  });

  it('retries a failed delivery with the same webhook-id, keeps a log, and resends on request', async () => {
    answers.set('/flaky', [500]);
    const endpoint = await createEndpoint('/flaky', { event_types: ['webhook_endpoint.test'] });
    await world.server.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/test`, {
      token: await owner(),
    });
    const [first, second] = await receivedAt('/flaky', 2); // the first retry comes ~5 s later
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    const log = await world.server.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, {
      token: await owner(),
    });
    await expect
      .poll(async () => {
        const res = await world.server.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, {
          token: await owner(),
        });
        return res.body.data[0]?.status;
      })
      .toBe('delivered');
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    const [entry] = (
      await world.server.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, {
        token: await owner(),
      })
    ).body.data;
    expect(entry).toMatchObject({
      id: first!.headers['webhook-id'],
      attempts: 2,
      response_status: 200,
      response_body: 'ok',
    });
    const resend = await world.server.request(
      'POST',
      `/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${entry.id}/resend`,
      { token: await owner() },
    );
    expect(resend.status).toBe(202);
    const all = await receivedAt('/flaky', 3);
    expect(all[2]!.headers['webhook-id']).toBe(entry.id);
  }, 30_000);

  it('disables an endpoint that answers 410 Gone, and records why', async () => {
    answers.set('/gone', [410]);
    const endpoint = await createEndpoint('/gone', { event_types: ['webhook_endpoint.test'] });
    await world.server.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/test`, {
      token: await owner(),
    });
    await receivedAt('/gone');
    await expect
      .poll(async () => {
        const res = await world.server.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}`, {
          token: await owner(),
        });
        return res.body.enabled;
      })
      .toBe(false);
    const res = await world.server.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: await owner(),
    });
    expect(res.body.disabled_reason).toContain('410');
    const again = await world.server.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: await owner(),
      body: { enabled: true },
    });
    expect(again.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const endpoint = await createEndpoint('/rotated', { event_types: ['webhook_endpoint.test'] });
    const rotated = await world.server.request(
      'POST',
      `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
      {
        token: await owner(),
      },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.secret_rotating_until).not.toBeNull();
    await world.server.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/test`, {
      token: await owner(),
    });
    const [delivery] = await receivedAt('/rotated');
    expect(String(delivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(rotated.body.secret, delivery!).type).toBe('webhook_endpoint.test');
    expect(verify(endpoint.secret, delivery!).type).toBe('webhook_endpoint.test');
  });

  it('refuses URLs that reach private, loopback, link-local or metadata addresses unless allow-listed', async () => {
    for (const url of [
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://192.168.1.10/',
    ]) {
      const res = await world.server.request('POST', '/api/v1/webhook-endpoints', {
        token: await owner(),
        body: { url },
      });
      expect([res.status, res.body.error.code], url).toEqual([422, 'WEBHOOK_URL_NOT_ALLOWED']);
    }
    const none = parseAllowList([]);
    for (const url of [
      'http://127.0.0.1:9/',
      'http://[::1]/',
      'http://localhost/',
      'http://[::ffff:10.0.0.1]/',
      'ftp://example.com/',
    ]) {
      await expect(resolveWebhookTarget(url, none), url).rejects.toMatchObject({
        code: 'WEBHOOK_URL_NOT_ALLOWED',
      });
    }
    await expect(resolveWebhookTarget('http://93.184.215.14/', none)).resolves.toMatchObject({
      address: '93.184.215.14',
    });
    await expect(
      resolveWebhookTarget('http://10.1.2.3/', parseAllowList(['10.0.0.0/8'])),
    ).resolves.toMatchObject({
      address: '10.1.2.3',
    });
  });

  it('keeps secrets out of the API and lets read-only staff see, not change', async () => {
    const endpoint = await createEndpoint('/private');
    const readOnly = await world.account.token('read_only');
    const seen = await world.server.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: readOnly,
    });
    expect(seen.status).toBe(200);
    expect(JSON.stringify(seen.body)).not.toContain('whsec_');
    const change = await world.server.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: readOnly,
      body: { enabled: false },
    });
    expect(change.status).toBe(403);
    const removed = await world.server.request('DELETE', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: await owner(),
    });
    expect(removed.status).toBe(204);
  });
});
