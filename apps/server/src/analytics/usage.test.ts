import { describe, expect, it } from 'vitest';
import { activate, createCustomer, createPlan, issueLicense } from '../../test/support/fixtures.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { FixedClock, useTwoAccountWorld } from '../../test/support/server.js';

// Issue M (2), usage analytics, against a fixture counted by hand. At 2026-05-12 14:20 UTC:
//   plan A (2 seats, 10 exports a month): license L1 of customer C1, devices a1 (mac, 1.0.0) and a2
//     (windows, 2.0.0); a1 validates 3 times; L1 consumes 9 exports (two calls: 4 + 5).
//   plan B (5 seats): license L2 of customer C2, device b1 (linux, 2.0.0), validates once; license L3 of
//     C2 is suspended, so its one validation is refused (a failed call) and it is not an active license.
// So: activations 4 (c3 took its seat before the suspension), validations 5 (1 failed), usage 9; active
// devices 4 (each took its seat today: a call); plan A 1 license 2/2 seats (utilisation 1), plan B 1
// active license 1/5 (0.2; L3 is not active); exports 9 by 1 license; near a limit: L1 seats 2/2 (100 %)
// and L1 exports 9/10 (90 %); versions 2.0.0 ×3, 1.0.0 ×1; every call in hour 14 (4 + 5 = 9 calls).
const clock = new FixedClock(new Date('2026-05-12T14:20:00Z'));
const world = useTwoAccountWorld({ clock });
const MONTHLY_EXPORTS = {
  feature_id: 'exports',
  name: 'Exports',
  enabled: true,
  limit_value: 10,
  period: 'month',
};

async function fixture() {
  const { server, accountA: account } = world;
  // Ranks 1 and 2: the report lists plans by rank.
  const planA = await createPlan(server, account, {
    rank: 1,
    max_activations: 2,
    features: [MONTHLY_EXPORTS],
  });
  const planB = await createPlan(server, account, { rank: 2, max_activations: 5, features: [] });
  const [c1, c2] = [await createCustomer(server, account), await createCustomer(server, account)];
  const l1 = await issueLicense(server, account, { plan_id: planA.id, customer_id: c1.id });
  const l2 = await issueLicense(server, account, { plan_id: planB.id, customer_id: c2.id });
  const l3 = await issueLicense(server, account, { plan_id: planB.id, customer_id: c2.id });
  const seat = async (key: string, device: string, platform: string, app_version: string) =>
    (await activate(server, key, device, { device_info: { device_id: device, platform, app_version } })).body;
  const a1 = await seat(l1.key, 'a1', 'mac', '1.0.0');
  await seat(l1.key, 'a2', 'windows', '2.0.0');
  const b1 = await seat(l2.key, 'b1', 'linux', '2.0.0');
  const c3 = await seat(l3.key, 'c3', 'linux', '2.0.0');
  await server.request('POST', `/api/v1/licenses/${l3.id}/suspend`, {
    token: await account.token(),
    body: {},
  });
  const validate = (token: string, device_id: string) =>
    server.request('POST', '/api/v1/licensing/validate', { body: { token, device_id } });
  for (let i = 0; i < 3; i++) await validate(a1.signed_token, 'a1');
  await validate(b1.signed_token, 'b1');
  expect((await validate(c3.signed_token, 'c3')).body.valid).toBe(false);
  for (const count of [4, 5]) {
    const used = await server.request('POST', '/api/v1/licensing/usage', {
      body: { token: a1.signed_token, feature: 'exports', count },
    });
    expect(used.body.allowed).toBe(true);
  }
  await server.parts.usage.flush();
  return { planA, planB, c2, l1 };
}

describe('usage analytics', () => {
  it('match the fixture for the account, for a customer, and as CSV', async () => {
    const { planA, planB, c2, l1 } = await fixture();
    const token = await world.accountA.token('read_only');
    const get = (query: string) => world.server.request('GET', `/api/v1/analytics/usage?${query}`, { token });

    const day = await get('range=24h');
    expect(day.status, JSON.stringify(day.body)).toBe(200);
    expect(day.body.totals).toEqual({
      activations: 4,
      validations: 5,
      heartbeats: 0,
      deactivations: 0,
      usage: 9,
      failed: 1,
    });
    expect(day.body.interval).toBe('hour');
    expect(day.body.series).toEqual([{ at: '2026-05-12T14:00:00.000Z', ...day.body.totals }]);
    expect(day.body.active_devices).toBe(4);
    expect(day.body.peak_hours).toHaveLength(24);
    expect(day.body.peak_hours[14]).toEqual({ hour: 14, calls: 9 });
    expect(day.body.peak_hours.filter((h: { calls: number }) => h.calls > 0)).toHaveLength(1);
    expect(day.body.by_plan).toEqual([
      expect.objectContaining({
        plan_id: planA.id,
        licenses: 1,
        seats_used: 2,
        seats_allowed: 2,
        utilisation: 1,
      }),
      expect.objectContaining({
        plan_id: planB.id,
        licenses: 1,
        seats_used: 1,
        seats_allowed: 5,
        utilisation: 0.2,
      }),
    ]);
    expect(day.body.by_plan[0]).toMatchObject({ activations: 2, validations: 3, usage: 9, failed: 0 });
    expect(day.body.features).toEqual([{ feature: 'exports', used: 9, licenses: 1 }]);
    expect(day.body.near_limit).toEqual([
      expect.objectContaining({
        license_id: l1.id,
        limit: 'seats',
        used: 2,
        limit_value: 2,
        percentage: 100,
      }),
      expect.objectContaining({
        license_id: l1.id,
        limit: 'exports',
        used: 9,
        limit_value: 10,
        percentage: 90,
      }),
    ]);
    expect(day.body.app_versions).toEqual([
      { value: '2.0.0', devices: 3 },
      { value: '1.0.0', devices: 1 },
    ]);
    expect(day.body.platforms).toEqual([
      { value: 'linux', devices: 2 },
      { value: 'mac', devices: 1 },
      { value: 'windows', devices: 1 },
    ]);

    // Customer C2: L2 and the suspended L3 — the daily sums per license, a daily series.
    const theirs = await get(`range=7d&customer_id=${c2.id}`);
    expect(theirs.body.interval).toBe('day');
    expect(theirs.body.totals).toEqual({
      activations: 2,
      validations: 2,
      heartbeats: 0,
      deactivations: 0,
      usage: 0,
      failed: 1,
    });
    expect(theirs.body.series).toEqual([{ at: '2026-05-12T00:00:00.000Z', ...theirs.body.totals }]);
    expect(theirs.body.active_devices).toBe(2);
    expect(theirs.body.by_plan.map((p: { plan_id: string }) => p.plan_id)).toEqual([planB.id]);
    expect(theirs.body.near_limit).toEqual([]);

    const csv = await world.server.request('GET', '/api/v1/analytics/usage.csv?range=24h&table=near_limit', {
      token,
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.body).toBe(
      'license_id,key_last4,customer_id,plan_code,limit,used,limit_value,percentage\r\n' +
        `${l1.id},${l1.key.slice(-4)},${l1.customer_id},${day.body.near_limit[0].plan_code},seats,2,2,100\r\n` +
        `${l1.id},${l1.key.slice(-4)},${l1.customer_id},${day.body.near_limit[0].plan_code},exports,9,10,90\r\n`,
    );

    // Account B sees none of it.
    const other = await world.server.request('GET', '/api/v1/analytics/usage?range=24h', {
      token: await world.accountB.token(),
    });
    expect(other.body.totals.validations).toBe(0);
    const unknown = await get('range=1y');
    expect(unknown.status).toBe(422);
  });

  runSecuritySuite(
    {
      name: 'usage analytics',
      create: async () => 'unused',
      routes: [
        { method: 'GET', path: '/api/v1/analytics/usage' },
        { method: 'GET', path: '/api/v1/analytics/usage.csv?table=series' },
      ],
    },
    () => world,
  );
});
