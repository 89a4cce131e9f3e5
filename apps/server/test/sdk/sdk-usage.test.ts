import { describe, expect, it } from 'vitest';
import { issueLicense } from '../support/fixtures.js';
import { useSdkWorld } from './sdk-world.js';

// Issue I, metered usage from the SDK: trackUsage() counts against the quota online, and uses made
// offline are kept and sent when the app is back online.
const w = useSdkWorld();

describe('trackUsage', () => {
  it('counts online, queues offline, and sends the queue at the next online check', async () => {
    const license = await issueLicense(
      w.server,
      w.account,
      {},
      {
        features: [
          {
            feature_id: 'exports',
            name: 'Exports',
            enabled: true,
            limit_value: 10,
            limit_type: 'count',
            period: 'day',
          },
        ],
      },
    );
    const { client, network } = w.client('usage-dev-1');
    await client.activate(license.key);
    expect(await client.trackUsage('exports')).toMatchObject({
      queued: false,
      allowed: true,
      used: 1,
      limit: 10,
    });
    expect(await client.trackUsage('exports')).toMatchObject({ queued: false, used: 2 });

    network.down = true;
    expect(await client.trackUsage('exports')).toEqual({ queued: true, feature: 'exports', pending: 1 });
    expect(await client.trackUsage('exports', 2)).toEqual({ queued: true, feature: 'exports', pending: 3 });

    network.down = false;
    expect((await client.validate()).source).toBe('online');
    // The three offline uses reached the server: the next one is the sixth.
    expect(await client.trackUsage('exports')).toMatchObject({ queued: false, used: 6 });
  });
});
