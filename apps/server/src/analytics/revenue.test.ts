import { beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createPlan } from '../../test/support/fixtures.js';
import { lifecyclePass } from '../../test/support/lifecycle.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { FixedClock, type TestAccount, useTwoAccountWorld } from '../../test/support/server.js';

// Revenue analytics against a fixture built through the API on a fixed clock, every expected figure
// computed by hand below (docs/analytics.md has the formulas).
//
// Plans (account A): Basic USD 1000/month, 10000/year; Pro USD 3000/month, 30000/year;
// Pro EUR 2000/month; Free USD 0.
//
// Feb 2  A: Basic monthly ×1 → USD 1000 (new)          B: Pro annual ×2 → 60000/12 = 5000 (new)
//        E: Pro EUR monthly → EUR 2000 (new)           F: Free monthly → 0 (not MRR, not a customer)
//        USD end of Feb: MRR 6000, customers 2 (A, B); EUR: 2000, customers 1 (E)
// Mar 5  T1: trial on Pro monthly until Mar 20; T2: trial on Basic monthly until Mar 12 (2 trials started)
// Mar 12 the lifecycle pass ends T2's trial unpaid (lapsed)
// Mar 16 A: Basic → Pro mid-month, 1000 → 3000 (expansion 2000); B: quantity 2 → 1, 5000 → 2500
//        (contraction 2500)
// Mar 19 T1 paid: its trial converts, 3000 (new; converted)
// Mar 20 E cancels now: EUR churn 2000
//        USD March: start 6000 (2 customers); new 3000, expansion 2000, contraction 2500, churn 0
//          end 6000 + 3000 + 2000 − 2500 = 8500 (A 3000 + B 2500 + T1 3000), customers 3
//          customer churn 0/2 = 0; revenue churn (0 + 2500)/6000 = 0.4167;
//          net revenue churn (2500 − 2000)/6000 = 0.0833; NRR (6000 − 2500 + 2000)/6000 = 0.9167;
//          trials: 2 started, 1 converted, 1 lapsed → 0.5; ARPA 8500/3 = 2833.33 → 2833; ARR 102000
//        EUR March: start 2000 (1); churn 2000 → end 0; customer churn 1/1 = 1; revenue churn 1; NRR 0
// Apr 8  G: Basic annual → 10000/12 = 833.33 → 833 (new)
// Apr 10 E reactivates (its period over: a new one from now): EUR reactivation 2000
// Apr 15 B cancels now: USD churn 2500
//        USD April: start 8500 (3); new 833, churn 2500 → end 6833 (A 3000, T1 3000, G 833), customers 3
//          customer churn 1/3 = 0.3333; revenue churn 2500/8500 = 0.2941; net revenue churn 0.2941;
//          NRR 6000/8500 = 0.7059; ARPA 6833/3 = 2277.67 → 2278; no trial ended → null
//        EUR April: start 0 → rates null; reactivation 2000 → end 2000, 1 customer
// By plan on Apr 30, USD: Pro 6000 (A, T1), Basic 833 (G); EUR: Pro EUR 2000. By cycle, USD:
//   monthly 6000, annual 833.
// Plan Basic alone, USD March: start 1000 (A); A leaves Basic on the 16th: churn 1000 → end 0, customer
//   churn 1/1; T2's trial started and lapsed there. April: G new 833.
// Plan Pro alone, USD March: start 5000 (B); A arrives (new 3000), B contracts 2500, T1 new 3000 → 8500.
// Annual alone, USD: end of Feb 5000 (B); March contraction 2500 → 2500; April G new 833, B churn 2500 → 833.

const clock = new FixedClock(new Date('2026-02-02T12:00:00Z'));
const world = useTwoAccountWorld({ clock });

const plans: Record<'basic' | 'pro' | 'proEur' | 'free', string> = {
  basic: '',
  pro: '',
  proEur: '',
  free: '',
};
const subs: Record<string, string> = {};

async function call(method: string, path: string, body?: unknown, account: TestAccount = world.accountA) {
  const res = await world.server.request(method, path, {
    token: await account.token('owner'),
    ...(body !== undefined ? { body } : {}),
  });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

async function subscribe(name: string, plan: string, body: Record<string, unknown> = {}) {
  const customer = await createCustomer(world.server, world.accountA, { company_name: name });
  subs[name] = (
    await call('POST', '/api/v1/subscriptions', { customer_id: customer.id, plan_id: plan, ...body })
  ).id;
}

async function snapshots(account: TestAccount = world.accountA) {
  const { jobs } = world.server.parts;
  const data = { account_id: account.accountId };
  let id = await jobs.enqueue('revenue-snapshots', data);
  while (!id) {
    await new Promise((r) => setTimeout(r, 200));
    id = await jobs.enqueue('revenue-snapshots', data);
  }
  const run = await jobs.waitFor('revenue-snapshots', id);
  expect(run.state, JSON.stringify(run.output)).toBe('completed');
  return run.output as { accounts: number; days: number; rows: number };
}

const storedRows = (accountId: string) =>
  world.server.ctx.db.sql`
    select segment, day::text, currency, plan_id, billing_cycle, mrr_cents::text, subscribers, customers,
      new_cents::text, expansion_cents::text, contraction_cents::text, churn_cents::text,
      reactivation_cents::text, new_customers, reactivated_customers, churned_customers, trials_started,
      trials_converted, trials_lapsed
    from revenue_daily where account_id = ${accountId} order by segment, day, currency`;

const report = async (query: string) => call('GET', `/api/v1/analytics/revenue?${query}`);
/** A period of the report (numbers, days, nulls). */
type Period = Record<string, number | string | null>;
interface CurrencyReport {
  currency: string;
  summary: Period;
  series: Period[];
  by_plan: Period[];
  by_billing_cycle: Period[];
}
const byCurrency = (body: { currencies: CurrencyReport[] }, currency: string) =>
  body.currencies.find((c) => c.currency === currency)!;

beforeAll(async () => {
  const plan = async (code: string, body: Record<string, unknown>) =>
    (await createPlan(world.server, world.accountA, { code, name: code, trial_days: 0, ...body })).id;
  plans.basic = await plan('basic', { price_monthly_cents: 1000, price_yearly_cents: 10000 });
  plans.pro = await plan('pro', { price_monthly_cents: 3000, price_yearly_cents: 30000 });
  plans.proEur = await plan('pro-eur', {
    price_monthly_cents: 2000,
    price_yearly_cents: 20000,
    currency: 'eur',
  });
  plans.free = await plan('free', { price_monthly_cents: 0, price_yearly_cents: 0 });

  clock.set('2026-02-02T12:00:00Z');
  await subscribe('A', plans.basic);
  await subscribe('B', plans.pro, { billing_cycle: 'annual', quantity: 2 });
  await subscribe('E', plans.proEur);
  await subscribe('F', plans.free);
  // The job runs along the way, as the schedule would: each run starts from the day before it stored.
  expect(await snapshots()).toMatchObject({ days: 1 });

  clock.set('2026-03-05T12:00:00Z');
  await subscribe('T1', plans.pro, { status: 'trialing', trial_ends_at: '2026-03-20T00:00:00Z' });
  await subscribe('T2', plans.basic, { status: 'trialing', trial_ends_at: '2026-03-12T00:00:00Z' });

  clock.set('2026-03-12T12:00:00Z');
  await lifecyclePass(world.server, world.accountA.accountId);
  expect((await call('GET', `/api/v1/subscriptions/${subs.T2}`)).status).toBe('expired');
  expect(await snapshots()).toMatchObject({ days: 39 }); // Feb 2 again … Mar 12

  clock.set('2026-03-16T12:00:00Z');
  await call('PATCH', `/api/v1/subscriptions/${subs.A}`, { plan_id: plans.pro });
  await call('PATCH', `/api/v1/subscriptions/${subs.B}`, { quantity: 1 });
  expect(await snapshots()).toMatchObject({ days: 5 }); // Mar 12 … 16

  clock.set('2026-03-19T12:00:00Z');
  await call('POST', `/api/v1/subscriptions/${subs.T1}/renew`, {});

  clock.set('2026-03-20T12:00:00Z');
  await call('POST', `/api/v1/subscriptions/${subs.E}/cancel`, { at_period_end: false });

  clock.set('2026-04-08T12:00:00Z');
  await subscribe('G', plans.basic, { billing_cycle: 'annual' });

  clock.set('2026-04-10T12:00:00Z');
  await call('POST', `/api/v1/subscriptions/${subs.E}/reactivate`, {});

  clock.set('2026-04-15T12:00:00Z');
  await call('POST', `/api/v1/subscriptions/${subs.B}/cancel`, { at_period_end: false });

  clock.set('2026-04-30T12:00:00Z');
  expect(await snapshots()).toEqual({ accounts: 1, days: 46, rows: expect.any(Number) }); // Mar 16 … Apr 30
});

describe('revenue analytics (hand-computed fixture)', () => {
  it('per month and currency: MRR, ARR, movements, churn, ARPA, NRR, trial conversion', async () => {
    const body = await report('from=2026-03-01&to=2026-04-30&interval=month');
    expect(body).toMatchObject({
      from: '2026-03-01',
      to: '2026-04-30',
      through: '2026-04-30',
      interval: 'month',
    });
    expect(body.currencies.map((c: { currency: string }) => c.currency)).toEqual(['eur', 'usd']);
    const usd = byCurrency(body, 'usd');
    expect(usd.series).toEqual([
      {
        period_start: '2026-03-01',
        period_end: '2026-03-31',
        mrr_start_cents: 6000,
        mrr_cents: 8500,
        arr_cents: 102000,
        customers_start: 2,
        customers: 3,
        subscribers: 3,
        arpa_cents: 2833,
        new_cents: 3000,
        expansion_cents: 2000,
        contraction_cents: 2500,
        churn_cents: 0,
        reactivation_cents: 0,
        net_new_cents: 2500,
        new_customers: 1,
        reactivated_customers: 0,
        churned_customers: 0,
        customer_churn_rate: 0,
        revenue_churn_rate: 0.4167,
        net_revenue_churn_rate: 0.0833,
        nrr: 0.9167,
        trials_started: 2,
        trials_converted: 1,
        trials_lapsed: 1,
        trial_conversion_rate: 0.5,
      },
      {
        period_start: '2026-04-01',
        period_end: '2026-04-30',
        mrr_start_cents: 8500,
        mrr_cents: 6833,
        arr_cents: 81996,
        customers_start: 3,
        customers: 3,
        subscribers: 3,
        arpa_cents: 2278,
        new_cents: 833,
        expansion_cents: 0,
        contraction_cents: 0,
        churn_cents: 2500,
        reactivation_cents: 0,
        net_new_cents: -1667,
        new_customers: 1,
        reactivated_customers: 0,
        churned_customers: 1,
        customer_churn_rate: 0.3333,
        revenue_churn_rate: 0.2941,
        net_revenue_churn_rate: 0.2941,
        nrr: 0.7059,
        trials_started: 0,
        trials_converted: 0,
        trials_lapsed: 0,
        trial_conversion_rate: null,
      },
    ]);
    // The whole range: from the end of February to the end of April.
    expect(usd.summary).toMatchObject({
      mrr_start_cents: 6000,
      mrr_cents: 6833,
      new_cents: 3833,
      expansion_cents: 2000,
      contraction_cents: 2500,
      churn_cents: 2500,
      net_new_cents: 833,
      customers_start: 2,
      churned_customers: 1,
      customer_churn_rate: 0.5,
      revenue_churn_rate: 0.8333, // (2500 + 2500) / 6000
      nrr: 0.5, // (6000 − 5000 + 2000) / 6000
      trial_conversion_rate: 0.5,
    });

    const eur = byCurrency(body, 'eur');
    expect(
      eur.series.map((p: Period) => [p.mrr_start_cents, p.churn_cents, p.reactivation_cents, p.mrr_cents]),
    ).toEqual([
      [2000, 2000, 0, 0],
      [0, 0, 2000, 2000],
    ]);
    expect(eur.series[0]).toMatchObject({
      customers_start: 1,
      churned_customers: 1,
      customer_churn_rate: 1,
      revenue_churn_rate: 1,
      nrr: 0,
      arpa_cents: null,
    });
    expect(eur.series[1]).toMatchObject({
      reactivated_customers: 1,
      new_customers: 0,
      customer_churn_rate: null,
      revenue_churn_rate: null,
      nrr: null,
      arpa_cents: 2000,
      arr_cents: 24000,
    });
  });

  it('MRR by plan and by billing cycle on the last day, per currency; free plans are not revenue', async () => {
    const body = await report('from=2026-04-01&to=2026-04-30');
    const usd = byCurrency(body, 'usd');
    expect(usd.by_plan).toEqual([
      {
        plan_id: plans.pro,
        plan_code: 'pro',
        plan_name: 'pro',
        mrr_cents: 6000,
        arr_cents: 72000,
        subscribers: 2,
        customers: 2,
        arpa_cents: 3000,
      },
      {
        plan_id: plans.basic,
        plan_code: 'basic',
        plan_name: 'basic',
        mrr_cents: 833,
        arr_cents: 9996,
        subscribers: 1,
        customers: 1,
        arpa_cents: 833,
      },
    ]);
    expect(usd.by_billing_cycle).toEqual([
      {
        billing_cycle: 'monthly',
        mrr_cents: 6000,
        arr_cents: 72000,
        subscribers: 2,
        customers: 2,
        arpa_cents: 3000,
      },
      {
        billing_cycle: 'annual',
        mrr_cents: 833,
        arr_cents: 9996,
        subscribers: 1,
        customers: 1,
        arpa_cents: 833,
      },
    ]);
    expect(byCurrency(body, 'eur').by_plan).toEqual([
      expect.objectContaining({ plan_id: plans.proEur, mrr_cents: 2000, customers: 1 }),
    ]);
    // One currency asked for: the other is not there at all.
    const eurOnly = await report('from=2026-04-01&to=2026-04-30&currency=eur');
    expect(eurOnly.currencies.map((c: { currency: string }) => c.currency)).toEqual(['eur']);
  });

  it('filtered by plan or cycle, movements are within the segment: a plan change leaves one plan and joins another', async () => {
    const basic = byCurrency(
      await report(`from=2026-03-01&to=2026-04-30&interval=month&plan_id=${plans.basic}`),
      'usd',
    );
    expect(
      basic.series.map((p: Period) => [p.mrr_start_cents, p.new_cents, p.churn_cents, p.mrr_cents]),
    ).toEqual([
      [1000, 0, 1000, 0],
      [0, 833, 0, 833],
    ]);
    expect(basic.series[0]).toMatchObject({
      customer_churn_rate: 1,
      trials_started: 1,
      trials_lapsed: 1,
      trial_conversion_rate: 0,
    });
    const pro = byCurrency(
      await report(`from=2026-03-01&to=2026-03-31&interval=month&plan_id=${plans.pro}`),
      'usd',
    );
    expect(pro.series[0]).toMatchObject({
      mrr_start_cents: 5000,
      new_cents: 6000,
      new_customers: 2,
      contraction_cents: 2500,
      mrr_cents: 8500,
      trials_converted: 1,
      trial_conversion_rate: 1,
    });
    expect(pro.by_billing_cycle).toEqual([
      expect.objectContaining({ billing_cycle: 'monthly', mrr_cents: 6000 }),
      expect.objectContaining({ billing_cycle: 'annual', mrr_cents: 2500 }),
    ]);
    const annual = byCurrency(
      await report('from=2026-03-01&to=2026-04-30&interval=month&billing_cycle=annual'),
      'usd',
    );
    expect(
      annual.series.map((p: Period) => [
        p.mrr_start_cents,
        p.new_cents,
        p.contraction_cents,
        p.churn_cents,
        p.mrr_cents,
      ]),
    ).toEqual([
      [5000, 0, 2500, 0, 2500],
      [2500, 833, 0, 2500, 833],
    ]);
  });

  it('per day: the day of the plan change and weeks cut to the range', async () => {
    const day = byCurrency(await report('from=2026-03-16&to=2026-03-16'), 'usd');
    expect(day.series).toEqual([
      expect.objectContaining({
        mrr_start_cents: 6000,
        expansion_cents: 2000,
        contraction_cents: 2500,
        mrr_cents: 5500,
      }),
    ]);
    // Mar 16 2026 is a Monday: Mon 16 – Sun 22, then Mon 23 – Tue 24.
    const weeks = byCurrency(await report('from=2026-03-16&to=2026-03-24&interval=week'), 'usd');
    expect(weeks.series.map((p: Period) => [p.period_start, p.period_end, p.mrr_cents])).toEqual([
      ['2026-03-16', '2026-03-22', 8500],
      ['2026-03-23', '2026-03-24', 8500],
    ]);
  });

  it('rerunning rewrites the same rows, and a backfill from nothing writes what the runs along the way wrote', async () => {
    const before = await storedRows(world.accountA.accountId);
    expect(before.length).toBeGreaterThan(0);
    expect(await snapshots()).toMatchObject({ days: 1 }); // today again
    expect(await storedRows(world.accountA.accountId)).toEqual(before);
    await world.server.ctx.db.sql`delete from revenue_daily where account_id = ${world.accountA.accountId}`;
    await world.server.ctx.db
      .sql`delete from revenue_snapshot_runs where account_id = ${world.accountA.accountId}`;
    expect(await snapshots()).toMatchObject({ days: 88 });
    expect(await storedRows(world.accountA.accountId)).toEqual(before);
  });

  it('a subscription dated in the past is counted from its start by the next run', async () => {
    const { accountB } = world;
    const plan = await createPlan(world.server, accountB, { price_monthly_cents: 700, trial_days: 0 });
    const [c1, c2] = [
      await createCustomer(world.server, accountB),
      await createCustomer(world.server, accountB),
    ];
    const subscribeB = (customerId: string, start?: string) =>
      call(
        'POST',
        '/api/v1/subscriptions',
        { customer_id: customerId, plan_id: plan.id, ...(start ? { current_period_start: start } : {}) },
        accountB,
      );
    // Apr 30: c1 700. Stored: Apr 30.
    await subscribeB(c1.id);
    expect(await snapshots(accountB)).toMatchObject({ days: 1 });
    // A second one for c1 dated Apr 20, before the first stored day: from Apr 20 on.
    await subscribeB(c1.id, '2026-04-20T00:00:00Z');
    expect(await snapshots(accountB)).toMatchObject({ days: 11 });
    // One for c2 dated Apr 25, inside the stored days: they are marked stale from Apr 25.
    await subscribeB(c2.id, '2026-04-25T00:00:00Z');
    expect(await snapshots(accountB)).toMatchObject({ days: 6 });
    expect(await snapshots(accountB)).toMatchObject({ days: 1 }); // the mark was cleared
    // c1: new 700 on Apr 20, expansion 700 on Apr 30; c2: new 700 on Apr 25.
    const res = await world.server.request(
      'GET',
      '/api/v1/analytics/revenue?from=2026-04-20&to=2026-04-30&interval=month',
      { token: await accountB.token('read_only') },
    );
    expect(byCurrency(res.body, 'usd').series[0]).toMatchObject({
      mrr_start_cents: 0,
      new_cents: 1400,
      new_customers: 2,
      expansion_cents: 700,
      mrr_cents: 2100,
      customers: 2,
    });
    const before = await storedRows(accountB.accountId);
    await world.server.ctx.db.sql`delete from revenue_snapshot_runs where account_id = ${accountB.accountId}`;
    await snapshots(accountB);
    expect(await storedRows(accountB.accountId)).toEqual(before);
  });

  it('CSV: each table, one row per currency and row, amounts in minor units', async () => {
    const res = await world.server.request(
      'GET',
      '/api/v1/analytics/revenue.csv?table=series&from=2026-03-01&to=2026-04-30&interval=month&currency=usd',
      { token: await world.accountA.token('read_only') },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="revenue-series-2026-03-01-2026-04-30.csv"',
    );
    const lines = (res.body as string).split('\r\n');
    expect(lines[0]).toBe(
      'currency,period_start,period_end,mrr_start_cents,mrr_cents,arr_cents,customers_start,customers,subscribers,arpa_cents,new_cents,expansion_cents,contraction_cents,churn_cents,reactivation_cents,net_new_cents,new_customers,reactivated_customers,churned_customers,customer_churn_rate,revenue_churn_rate,net_revenue_churn_rate,nrr,trials_started,trials_converted,trials_lapsed,trial_conversion_rate',
    );
    expect(lines[1]).toBe(
      'usd,2026-03-01,2026-03-31,6000,8500,102000,2,3,3,2833,3000,2000,2500,0,0,2500,1,0,0,0,0.4167,0.0833,0.9167,2,1,1,0.5',
    );
    expect(lines[2]).toBe(
      'usd,2026-04-01,2026-04-30,8500,6833,81996,3,3,3,2278,833,0,0,2500,0,-1667,1,0,1,0.3333,0.2941,0.2941,0.7059,0,0,0,',
    );
    expect(lines).toHaveLength(4); // and the last line's CRLF
    const plansCsv = await world.server.request(
      'GET',
      '/api/v1/analytics/revenue.csv?table=by_plan&from=2026-04-30&to=2026-04-30',
      {
        token: await world.accountA.token('read_only'),
      },
    );
    expect((plansCsv.body as string).split('\r\n').slice(0, 2)).toEqual([
      'currency,day,plan_id,plan_code,plan_name,mrr_cents,arr_cents,subscribers,customers,arpa_cents',
      `eur,2026-04-30,${plans.proEur},pro-eur,pro-eur,2000,24000,1,1,2000`,
    ]);
  });

  it('refuses a bad range or filter with the field that is wrong', async () => {
    const token = await world.accountA.token('read_only');
    const cases: [string, number, string, string][] = [
      ['from=2026-04-02&to=2026-04-01', 422, 'INVALID_FIELD', '/query/from'],
      ['from=2023-01-01&to=2026-04-01', 422, 'INVALID_FIELD', '/query/from'],
      ['from=2026-02-30', 422, 'INVALID_FIELD', '/query/from'],
      ['currency=USD', 422, 'INVALID_FIELD', '/query/currency'],
      ['interval=year', 422, 'INVALID_FIELD', '/query/interval'],
      ['billing_cycle=weekly', 422, 'INVALID_FIELD', '/query/billing_cycle'],
      ['plan_id=nope', 422, 'INVALID_FIELD', '/query/plan_id'],
      ['metric=mrr', 422, 'UNKNOWN_FIELD', '/query/metric'],
    ];
    for (const [query, status, code, pointer] of cases) {
      const res = await world.server.request('GET', `/api/v1/analytics/revenue?${query}`, { token });
      expect([res.status, res.body.error?.code, res.body.error?.details?.pointer], query).toEqual([
        status,
        code,
        pointer,
      ]);
    }
    const csv = await world.server.request('GET', '/api/v1/analytics/revenue.csv?table=customers', { token });
    expect([csv.status, csv.body.error?.code]).toEqual([422, 'INVALID_FIELD']);
    // Another account's plan is not one of this account's.
    const otherPlan = await createPlan(world.server, world.accountB);
    const res = await world.server.request('GET', `/api/v1/analytics/revenue?plan_id=${otherPlan.id}`, {
      token,
    });
    expect([res.status, res.body.error?.code, res.body.error?.details?.pointer]).toEqual([
      404,
      'NOT_FOUND',
      '/query/plan_id',
    ]);
  });

  it('an account sees only its own revenue', async () => {
    const res = await world.server.request('GET', '/api/v1/analytics/revenue?from=2026-03-01&to=2026-03-31', {
      token: await world.accountB.token('owner'),
    });
    expect(res.status).toBe(200);
    // Account B's only subscriptions start in late April (the test above).
    expect(res.body).toMatchObject({ through: '2026-03-31', currencies: [] });
  });

  runSecuritySuite(
    {
      name: 'revenue analytics',
      create: async () => 'unused',
      routes: [
        { method: 'GET', path: '/api/v1/analytics/revenue' },
        { method: 'GET', path: '/api/v1/analytics/revenue.csv' },
      ],
    },
    () => world,
  );
});
