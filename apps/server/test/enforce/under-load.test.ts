import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createApiKeySecret, createPlan, EXPORTS_QUOTA, issueLicense } from '../support/fixtures.js';
import { redisAnswers, redisTestDatabase } from '../support/redis.js';
import { useServer } from '../support/server.js';

/*
 * The vendor API of examples/vendor-api, run as real processes under load, in front of a Keyward with
 * its production rate limits. A proxy in this process counts every call the vendor API makes to Keyward.
 */
const DEFAULTS = loadConfig({ KEYWARD_MASTER_KEY: 'under-load-master-key-0123456789abcdef' }, false);
const world = useServer({
  config: {
    rateLimitPerMinute: DEFAULTS.rateLimitPerMinute,
    clientRateLimitPerMinute: DEFAULTS.clientRateLimitPerMinute,
    keyGuessesPerMinute: DEFAULTS.keyGuessesPerMinute,
  },
});
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const redisUrl = redisTestDatabase(14);
const redisUp = await redisAnswers(redisUrl);

interface KeywardCall {
  at: number;
  licenseKey: string;
  consume: number | undefined;
  status: number;
}
const calls: KeywardCall[] = [];
let proxy: Server;
let proxyUrl: string;
let apiKey: string;
const vendors: ChildProcess[] = [];

beforeAll(async () => {
  apiKey = await createApiKeySecret(world.server, world.account, 'developer');
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const at = Date.now();
    const upstream = await fetch(world.server.url + req.url, {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
      ...(body.length ? { body } : {}),
    });
    const text = await upstream.text();
    if (req.url === '/api/v1/entitlements/check') {
      const sent = JSON.parse(body.toString()) as { license_key: string; consume?: number };
      calls.push({ at, licenseKey: sent.license_key, consume: sent.consume, status: upstream.status });
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const v of vendors) v.kill();
  await new Promise((r) => proxy.close(r));
});

/** Starts examples/vendor-api/server.ts as its own process; resolves with its URL. */
function startVendor(redis: string | undefined): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/vendor-api/server.ts'], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: '0',
      KEYWARD_URL: proxyUrl,
      KEYWARD_API_KEY: apiKey,
      REDIS_URL: redis ?? '',
      REQUESTS_PER_HOUR: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  vendors.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const url = /vendor API on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`vendor API exited (${code}): ${output}`)));
  });
}

/** Sends `total` requests at `perSecond`, spread evenly; each picks its target by index. */
async function load(
  total: number,
  perSecond: number,
  send: (i: number) => Promise<Response>,
): Promise<Array<{ status: number; body: { error_code?: string } }>> {
  const pending: Array<Promise<{ status: number; body: { error_code?: string } }>> = [];
  const perTick = perSecond / 100;
  for (let i = 0; i < total; ) {
    for (let n = 0; n < perTick && i < total; n++, i++)
      pending.push(send(i).then(async (r) => ({ status: r.status, body: await r.json() })));
    await new Promise((r) => setTimeout(r, 10));
  }
  return Promise.all(pending);
}

const countBy = <T>(items: T[], key: (t: T) => string | number) => {
  const counts = new Map<string | number, number>();
  for (const t of items) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
  return Object.fromEntries(counts);
};

describe('@keyward/enforce under load, against Keyward with its default rate limits', () => {
  it('500 requests a second over 50 licenses: every one served, about one Keyward call per license a second', async () => {
    const plan = await createPlan(world.server, world.account);
    const licenses: Array<{ key: string }> = [];
    for (let i = 0; i < 50; i++)
      licenses.push(await issueLicense(world.server, world.account, { plan_id: plan.id }));
    const url = await startVendor(undefined);
    calls.length = 0;
    const started = Date.now();
    const results = await load(2500, 500, (i) =>
      fetch(`${url}/reports`, { headers: { 'x-license-key': licenses[i % 50]!.key } }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(countBy(results, (r) => r.status)).toEqual({ 200: 2500 });
    expect(calls.every((c) => c.status === 200)).toBe(true);
    let widestCount = 0;
    let narrowestGap = Number.POSITIVE_INFINITY;
    for (const license of licenses) {
      const mine = calls.filter((c) => c.licenseKey === license.key).map((c) => c.at);
      widestCount = Math.max(widestCount, mine.length);
      for (let i = 1; i < mine.length; i++) narrowestGap = Math.min(narrowestGap, mine[i]! - mine[i - 1]!);
    }
    console.log(
      `[under load] ${results.length} requests in ${seconds.toFixed(1)} s; ${calls.length} Keyward calls; ` +
        `most for one license ${widestCount}; narrowest gap ${narrowestGap} ms`,
    );
    expect(widestCount).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    // The summary is cached for a second after each answer; a little slack for the proxy's own timing.
    expect(narrowestGap).toBeGreaterThanOrEqual(950);
  }, 60_000);

  describe.skipIf(!redisUp)('two vendor processes sharing Redis', () => {
    it('1,500 exports against a quota of 1,000: exactly 1,000 allowed, with few Keyward calls', async () => {
      const redis = new Redis(redisUrl!);
      await redis.flushdb();
      redis.disconnect();
      const license = await issueLicense(
        world.server,
        world.account,
        {},
        { features: [{ ...EXPORTS_QUOTA, limit_value: 1000, period: 'total' }] },
      );
      const urls = await Promise.all([startVendor(redisUrl), startVendor(redisUrl)]);
      calls.length = 0;
      const results = await load(1500, 300, (i) =>
        fetch(`${urls[i % 2]}/exports`, { method: 'POST', headers: { 'x-license-key': license.key } }),
      );
      expect(countBy(results, (r) => r.status)).toEqual({ 200: 1000, 429: 500 });
      expect(
        results.filter((r) => r.status === 429).every((r) => r.body.error_code === 'USAGE_LIMIT_EXCEEDED'),
      ).toBe(true);
      const usage = await world.server.request('GET', `/api/v1/licenses/${license.id}/usage`, {
        token: await world.account.token('owner'),
      });
      expect(usage.body.usage).toContainEqual(expect.objectContaining({ name: 'exports', used: 1000 }));
      const consumeCalls = calls.filter((c) => c.consume !== undefined);
      console.log(
        `[under load] 1500 exports over two processes: ${consumeCalls.length} reservations ` +
          `(sizes ${JSON.stringify(countBy(consumeCalls, (c) => c.consume ?? 0))}), ${calls.length} Keyward calls in all`,
      );
      expect(calls.every((c) => c.status === 200)).toBe(true);
      expect(consumeCalls.length).toBeLessThan(150);
    }, 60_000);
  });
});
