import type { LicenseState } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { issueLicense } from '../support/fixtures.js';
import { useSdkWorld } from './sdk-world.js';

/** The SDK on the real-time channel: server-side changes reach the app as events. */
const w = useSdkWorld();
const realtime = {
  features: [
    { feature_id: 'real_time_sync', name: 'Real-time', enabled: true },
    { feature_id: 'advanced_reporting', name: 'Reports', enabled: true },
  ],
};

describe('SDK real-time subscription', () => {
  it('a license change re-validates the app; a suspension arrives as license.suspended', async () => {
    const license = await issueLicense(w.server, w.account, {}, realtime);
    const { client } = w.client('rt-dev-1');
    await client.activate(license.key);
    const updates: LicenseState[] = [];
    const suspended: string[] = [];
    client.on('license.updated', ({ state }) => updates.push(state as LicenseState));
    client.on('license.suspended', ({ code }) => suspended.push(code));
    const close = await client.subscribe(WebSocket as never);
    const owner = await w.account.token('owner');
    // The socket is up once the server has registered it: a change made now must reach the app.
    await expect
      .poll(async () => {
        await w.server.request('PATCH', `/api/v1/licenses/${license.id}`, {
          token: owner,
          body: { metadata: { n: Date.now() } },
        });
        return updates.length;
      })
      .toBeGreaterThan(0);
    expect(updates.at(-1)).toMatchObject({ valid: true, source: 'online', licenseId: license.id });

    await w.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: owner,
      body: { reason: 'unpaid' },
    });
    await expect.poll(() => suspended).toEqual(['LICENSE_SUSPENDED']);
    close();
  });

  it('without the real_time_sync feature the subscription is refused by the server (closed)', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client } = w.client('rt-dev-2');
    await client.activate(license.key);
    const invalid: string[] = [];
    client.on('license.invalid', ({ code }) => invalid.push(code));
    await client.subscribe(WebSocket as never);
    await expect.poll(() => invalid).toEqual(['FEATURE_NOT_LICENSED']);
  });
});
