import { describe, expect, it } from 'vitest';
import { activate, createCustomer, issueLicense } from '../../test/support/fixtures.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

const world = useTwoAccountWorld({ demo: true });

describe('analytics', () => {
  it('the overview counts licenses, devices, tiers, MRR and expiring licenses of the account only', async () => {
    const { server, accountA, accountB } = world;
    const customer = await createCustomer(server, accountA);
    const soon = await issueLicense(server, accountA, { customer_id: customer.id, duration_days: 10 });
    await issueLicense(server, accountA, { customer_id: customer.id });
    await activate(server, soon.key, 'an-1');
    await issueLicense(server, accountB);
    const token = await accountA.token();
    const plans = await server.request('GET', '/api/v1/plans?limit=100', { token });
    const pro = plans.body.data.find((p: { code: string }) => p.code === 'professional');
    await server.request('POST', '/api/v1/subscriptions', {
      token,
      body: { customer_id: customer.id, plan_id: pro.id, billing_cycle: 'annual' },
    });
    const res = await server.request('GET', '/api/v1/analytics/overview', {
      token: await accountA.token('read_only'),
    });
    expect(res.status).toBe(200);
    // Two licenses issued by hand, one by the subscription.
    expect(res.body).toMatchObject({
      licenses_total: 3,
      customers: 1,
      active_devices_24h: 1,
      mrr_cents: 8250,
    });
    expect(res.body.licenses_by_status).toEqual({ active: 3 });
    expect(res.body.expiring_30d.count).toBe(1);
    expect(res.body.expiring_30d.licenses[0].id).toBe(soon.id);
    expect(res.body.recent_activations).toHaveLength(1);
    expect(
      res.body.tier_distribution.find((t: { code: string }) => t.code === 'professional').mrr_cents,
    ).toBe(8250);
  });

  it('time series sum the usage log per day', async () => {
    const { server, accountA } = world;
    const license = await issueLicense(server, accountA);
    const a = await activate(server, license.key, 'an-2');
    for (let i = 0; i < 3; i++)
      await server.request('POST', '/api/v1/licensing/validate', {
        body: { token: a.body.signed_token, device_id: 'an-2' },
      });
    await expect
      .poll(
        async () => {
          const res = await server.request(
            'GET',
            '/api/v1/analytics/timeseries?metric=validations&interval=day&range=7d',
            { token: await accountA.token() },
          );
          return res.body.points.reduce((s: number, p: { total: number }) => s + p.total, 0);
        },
        { timeout: 5000 },
      )
      .toBeGreaterThanOrEqual(3);
  });

  runSecuritySuite(
    {
      name: 'analytics',
      create: async () => 'unused',
      routes: [
        { method: 'GET', path: '/api/v1/analytics/overview' },
        { method: 'GET', path: '/api/v1/analytics/timeseries?metric=activations' },
      ],
    },
    () => world,
  );
});
