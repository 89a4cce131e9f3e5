import { LicenseError } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../support/fixtures.js';
import { useSdkWorld } from './sdk-world.js';

// Issue I, SDK correctness: the server's refusal outlives the cached token, and a busy server (429) is
// not a verdict on the license.
const w = useSdkWorld();

describe('the SDK and the server’s answers', () => {
  it('revoked online, then offline: still not valid, with the server’s code; valid again only online', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client, network } = w.client('refusal-dev-1');
    await client.activate(license.key);
    const events: string[] = [];
    client.on('license.revoked', (e) => events.push(`revoked ${e.code}`));
    client.on('license.expired', (e) => events.push(`expired ${e.code}`));
    const beat = await client.heartbeat();
    expect(beat).toMatchObject({ valid: true, code: 'VALID' });
    await w.server.request('POST', `/api/v1/licenses/${license.id}/revoke`, {
      token: await w.account.token('owner'),
      body: { reason: 'fraud' },
    });
    expect((await client.validate().catch((e) => e)).code).toBe('LICENSE_REVOKED');
    expect(events).toEqual(['revoked LICENSE_REVOKED']);

    network.down = true;
    const offline = await client.validate().catch((e) => e);
    expect(offline).toBeInstanceOf(LicenseError);
    expect(offline.code).toBe('LICENSE_REVOKED');
  });

  it('a suspension lifted online makes the license valid again', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client, network } = w.client('refusal-dev-2');
    await client.activate(license.key);
    const owner = await w.account.token('owner');
    await w.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, { token: owner, body: {} });
    expect((await client.validate().catch((e) => e)).code).toBe('LICENSE_SUSPENDED');
    await w.server.request('POST', `/api/v1/licenses/${license.id}/reinstate`, { token: owner, body: {} });
    expect((await client.validate()).source).toBe('online');
    network.down = true;
    expect((await client.validate()).valid).toBe(true);
  });

  it('429 online answers from the cached token within grace, and waits out Retry-After', async () => {
    const license = await issueLicense(w.server, w.account);
    let limited = false;
    let validateCalls = 0;
    const { client } = w.client('refusal-dev-3', {
      fetch: async (url: string, init?: RequestInit) => {
        if (url.endsWith('/licensing/validate')) validateCalls++;
        if (limited && url.endsWith('/licensing/validate'))
          return new Response(
            JSON.stringify({
              error: {
                code: 'RATE_LIMITED',
                message: 'Rate limit of 100 requests per minute exceeded; retry in 30 s',
                details: { limit: 100, retry_after_seconds: 30 },
                request_id: 'x',
              },
            }),
            { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '30' } },
          );
        return fetch(url, init);
      },
    });
    await client.activate(license.key);
    limited = true;
    const state = await client.validate();
    expect(state).toMatchObject({ valid: true, source: 'offline' });
    const calls = validateCalls;
    await client.validate(); // within Retry-After: not asked again
    expect(validateCalls).toBe(calls);
    w.clock.advanceDays(31 / 86_400);
    limited = false;
    expect((await client.validate()).source).toBe('online');
  });

  it('reports survive a 429 and are delivered on the next flush', async () => {
    const license = await issueLicense(w.server, w.account);
    let limited = false;
    const { client } = w.client('refusal-dev-4', {
      // The server's own 429 body for the report route while "limited"; everything else is the real server.
      fetch: async (url: string, init?: RequestInit) =>
        limited && url.endsWith('/licensing/report')
          ? new Response(
              JSON.stringify({
                error: {
                  code: 'RATE_LIMITED',
                  message: 'retry in 30 s',
                  details: { retry_after_seconds: 30 },
                },
              }),
              { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '30' } },
            )
          : fetch(url, init),
    });
    await client.activate(license.key);
    limited = true;
    await client.reportSuspiciousActivity('debugger_detected', { tool: 'gdb' });
    const reported = async () =>
      (
        await w.server.request('GET', '/api/v1/events?type=security.suspicious_activity&limit=100', {
          token: await w.account.token('owner'),
        })
      ).body.data.filter((e: { data: { device_id: string } }) => e.data.device_id === 'refusal-dev-4');
    expect(await reported()).toHaveLength(0);
    limited = false;
    await client.validate(); // a successful online check flushes what is pending
    expect(await reported()).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ kind: 'debugger_detected' }) }),
    ]);
  });
});
