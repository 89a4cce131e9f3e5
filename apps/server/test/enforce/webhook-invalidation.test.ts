import { verifyWebhook } from '@keyward/sdk/node';
import { describe, expect, it } from 'vitest';
import { createVendorApi } from '../../../../examples/vendor-api/app.js';
import { createApiKeySecret, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue K: a vendor API guarded by @keyward/enforce, subscribed to Keyward's webhooks, denies a license
// within a second of its suspension although its cache would trust the old answer for a minute.
const world = useServer();
const reportsPlan = { features: [{ feature_id: 'advanced_reporting', name: 'Reports', enabled: true }] };

describe('@keyward/enforce subscribed to webhooks', () => {
  it('denies a suspended license within 1 s, without waiting for its cache', async () => {
    const token = await world.account.token('owner');
    const apiKey = await createApiKeySecret(world.server, world.account, 'developer');
    // The endpoint first (its secret is the vendor's), then the vendor API with it.
    let url = 'http://127.0.0.1:9/keyward/webhooks';
    const endpoint = await world.server.request('POST', '/api/v1/webhook-endpoints', {
      token,
      body: { url, event_types: ['license.*'] },
    });
    expect(endpoint.status).toBe(201);
    const { app } = createVendorApi({
      keywardUrl: world.server.url,
      apiKey,
      failMode: 'closed',
      cacheTtlMs: 60_000,
      webhookSecret: endpoint.body.secret,
    });
    const vendorUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    url = `${vendorUrl}/keyward/webhooks`;
    await world.server.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.body.id}`, {
      token,
      body: { url },
    });
    try {
      const license = await issueLicense(world.server, world.account, {}, reportsPlan);
      const call = async () =>
        (await fetch(`${vendorUrl}/reports`, { headers: { 'x-license-key': license.key } })).status;
      expect(await call()).toBe(200); // now cached for a minute
      const suspendedAt = Date.now();
      const suspend = await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
        token,
        body: { reason: 'chargeback' },
      });
      expect(suspend.status).toBe(200);
      await expect.poll(call, { timeout: 1000, interval: 10 }).toBe(403);
      console.log(
        `the vendor API denied the suspended license ${Date.now() - suspendedAt} ms after the suspension`,
      );

      // The route refuses what is not signed with the endpoint's secret.
      const forged = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'msg_forged',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': 'v1,AAAA',
        },
        body: JSON.stringify({
          type: 'license.reinstated',
          data: { subject: { type: 'license', id: license.id } },
        }),
      });
      expect(forged.status).toBe(400);
      expect(() =>
        verifyWebhook(endpoint.body.secret, '{}', {
          'webhook-id': 'x',
          'webhook-timestamp': '1',
          'webhook-signature': 'v1,AAAA',
        }),
      ).toThrow(expect.objectContaining({ code: 'WEBHOOK_SIGNATURE_INVALID' }));
    } finally {
      await app.close();
    }
  });
});
