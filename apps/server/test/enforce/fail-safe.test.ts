import { Enforcer } from '@keyward/enforce';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVendorApi } from '../../../../examples/vendor-api/app.js';
import { createApiKeySecret, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue I, enforce fails safe: only an outage (network, timeout, 5xx, 429) lets `failMode: 'open'` through.
// A key Keyward refuses or does not know is a denial with Keyward's code; a rejected API key denies everything.

const world = useServer();
let apiKey: string;
const logged: string[] = [];
const logger = { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(`ERROR ${m}`) };

beforeAll(async () => {
  apiKey = await createApiKeySecret(world.server, world.account, 'developer');
});

async function vendor(o: { apiKey?: string; failMode: 'open' | 'closed' }) {
  const { app } = createVendorApi({ keywardUrl: world.server.url, apiKey, logger, ...o });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    call: async (path: string, key?: string) => {
      const res = await fetch(url + path, { headers: key ? { 'x-license-key': key } : {} });
      return { status: res.status, body: await res.json() };
    },
    close: () => app.close(),
  };
}

const reportsPlan = { features: [{ feature_id: 'advanced_reporting', name: 'Reports', enabled: true }] };

describe("enforce in failMode 'open'", () => {
  it('denies a malformed, over-long, unknown or revoked key with Keyward’s code', async () => {
    const api = await vendor({ failMode: 'open' });
    try {
      const revoked = await issueLicense(world.server, world.account, {}, reportsPlan);
      await world.server.request('POST', `/api/v1/licenses/${revoked.id}/revoke`, {
        token: await world.account.token(),
        body: { reason: 'chargeback' },
      });
      for (const [key, code] of [
        ['short', 'INVALID_FIELD'],
        ['K'.repeat(300), 'INVALID_FIELD'],
        ['ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ', 'LICENSE_NOT_FOUND'],
        [revoked.key, 'LICENSE_INVALID'],
      ] as const) {
        const res = await api.call('/reports', key);
        expect(res.status, key.slice(0, 20)).toBe(403);
        expect(res.body).toMatchObject({ error_code: 'LICENSE_INVALID', details: { code } });
        expect(res.body.details.reason).toEqual(expect.any(String));
      }
      const good = await issueLicense(world.server, world.account, {}, reportsPlan);
      expect((await api.call('/reports', good.key)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

describe('a wrong API key', () => {
  it('denies every licensed request in both modes, and is logged once', async () => {
    const license = await issueLicense(world.server, world.account, {}, reportsPlan);
    for (const failMode of ['open', 'closed'] as const) {
      logged.length = 0;
      const api = await vendor({ apiKey: 'kw_wrong_key_0000', failMode });
      try {
        for (let i = 0; i < 3; i++) {
          const res = await api.call('/reports', license.key);
          expect(res.status, failMode).toBe(503);
          expect(res.body.error_code).toBe('LICENSE_SERVICE_MISCONFIGURED');
        }
        expect(logged.filter((l) => l.includes('rejected the API key'))).toHaveLength(1);
      } finally {
        await api.close();
      }
    }
  });
});

describe('requireTier with a plan code', () => {
  it('ranks by the plans Keyward lists, not a built-in table', async () => {
    const owner = await world.account.token();
    const mk = async (code: string, rank: number) =>
      (
        await world.server.request('POST', '/api/v1/plans', {
          token: owner,
          body: { code, name: code, rank },
        })
      ).body;
    const silver = await mk(`silver-${Date.now()}`, 10);
    const gold = await mk(`gold-${Date.now()}`, 20);
    const enforcer = new Enforcer({ baseUrl: world.server.url, apiKey, failMode: 'closed', logger });
    const onSilver = await issueLicense(world.server, world.account, { plan_id: silver.id });
    const onGold = await issueLicense(world.server, world.account, { plan_id: gold.id });
    expect(await enforcer.requireTier(onGold.key, silver.code)).toBeNull();
    expect(await enforcer.requireTier(onGold.key, gold.code)).toBeNull();
    expect((await enforcer.requireTier(onSilver.key, gold.code))?.body.error_code).toBe(
      'INSUFFICIENT_LICENSE_TIER',
    );
    expect((await enforcer.requireTier(onGold.key, 'no-such-plan'))?.body.error_code).toBe(
      'INSUFFICIENT_LICENSE_TIER',
    );
  });
});
