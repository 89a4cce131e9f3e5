import { describe, expect, it } from 'vitest';
import { monthlyCents, type SubscriptionState } from './revenue-mrr.js';
import { type Change, type DailyRow, walkDays } from './revenue-walk.js';

// The walk alone, on hand-made histories: what the API fixture (revenue.test.ts) does not reach.

const base: SubscriptionState = {
  subscription_id: 's1',
  customer_id: 'c1',
  status: 'active',
  plan_id: 'p1',
  billing_cycle: 'monthly',
  currency: 'usd',
  price_cents: 1000,
  quantity: 1,
};
const at = (iso: string, s: Partial<SubscriptionState>): Change => ({ ...base, ...s, at: new Date(iso) });
/** The rows of every plan and cycle (segment ''), in one currency, by day. */
const all = (rows: DailyRow[], currency = 'usd') =>
  rows.filter((r) => r.segment === '' && r.currency === currency).map(({ day, ...r }) => ({ day, ...r }));
const walk = (days: string[], changes: Change[]) => walkDays(days, { balances: [], states: [] }, changes, []);

describe('monthlyCents', () => {
  it('normalises annual prices per subscription, rounding half up; trials, suspensions and free prices are 0', () => {
    expect(monthlyCents({ ...base, billing_cycle: 'annual', price_cents: 10000 })).toBe(833); // 833.33
    expect(monthlyCents({ ...base, billing_cycle: 'annual', price_cents: 10002 })).toBe(834); // 833.5
    expect(monthlyCents({ ...base, billing_cycle: 'annual', price_cents: 5 })).toBe(0); // 0.42
    expect(monthlyCents({ ...base, billing_cycle: 'annual', price_cents: 6 })).toBe(1); // 0.5
    expect(monthlyCents({ ...base, quantity: 3 })).toBe(3000);
    expect(monthlyCents({ ...base, status: 'past_due' })).toBe(1000);
    for (const status of ['trialing', 'suspended', 'canceled', 'expired'])
      expect(monthlyCents({ ...base, status })).toBe(0);
    expect(monthlyCents({ ...base, price_cents: 0 })).toBe(0);
  });
});

describe('the walk', () => {
  it('changes within one day net out: created and canceled the same day moves nothing', () => {
    const rows = walk(
      ['2026-01-01'],
      [at('2026-01-01T09:00:00Z', {}), at('2026-01-01T17:00:00Z', { status: 'canceled' })],
    );
    expect(rows).toEqual([]);
  });

  it("a customer's second subscription is expansion; losing one is contraction; losing the last is churn", () => {
    const rows = walk(
      ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'],
      [
        at('2026-01-01T09:00:00Z', {}),
        at('2026-01-02T09:00:00Z', { subscription_id: 's2', price_cents: 500 }),
        at('2026-01-03T09:00:00Z', { status: 'expired' }),
        at('2026-01-04T09:00:00Z', { subscription_id: 's2', price_cents: 500, status: 'canceled' }),
      ],
    );
    expect(
      all(rows).map((r) => [
        r.day,
        r.mrr_cents,
        r.subscribers,
        r.customers,
        r.new_cents,
        r.expansion_cents,
        r.contraction_cents,
        r.churn_cents,
      ]),
    ).toEqual([
      ['2026-01-01', 1000, 1, 1, 1000, 0, 0, 0],
      ['2026-01-02', 1500, 2, 1, 0, 500, 0, 0],
      ['2026-01-03', 500, 1, 1, 0, 0, 1000, 0],
      ['2026-01-04', 0, 0, 0, 0, 0, 0, 500],
    ]);
  });

  it('a churned customer who comes back with a new subscription is a reactivation', () => {
    const rows = walk(
      ['2026-01-01', '2026-01-02', '2026-01-03'],
      [
        at('2026-01-01T09:00:00Z', {}),
        at('2026-01-02T09:00:00Z', { status: 'canceled' }),
        at('2026-01-03T09:00:00Z', { subscription_id: 's2', price_cents: 2000 }),
      ],
    );
    expect(
      all(rows).map((r) => [
        r.day,
        r.new_cents,
        r.churn_cents,
        r.reactivation_cents,
        r.reactivated_customers,
      ]),
    ).toEqual([
      ['2026-01-01', 1000, 0, 0, 0],
      ['2026-01-02', 0, 1000, 0, 0],
      ['2026-01-03', 0, 0, 2000, 1],
    ]);
  });

  it('a past-due subscription keeps its MRR; suspended at the end of dunning it churns; paid again it reactivates', () => {
    const rows = walk(
      ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'],
      [
        at('2026-01-01T09:00:00Z', {}),
        at('2026-01-02T09:00:00Z', { status: 'past_due' }),
        at('2026-01-03T09:00:00Z', { status: 'suspended' }),
        at('2026-01-04T09:00:00Z', { status: 'active' }),
      ],
    );
    expect(all(rows).map((r) => [r.day, r.mrr_cents, r.churn_cents, r.reactivation_cents])).toEqual([
      ['2026-01-01', 1000, 0, 0],
      ['2026-01-02', 1000, 0, 0],
      ['2026-01-03', 0, 1000, 0],
      ['2026-01-04', 1000, 0, 1000],
    ]);
  });

  it('a trial that ends on a free price lapses; trials count in the trial’s plan and currency', () => {
    const rows = walk(
      ['2026-01-01', '2026-01-02'],
      [
        at('2026-01-01T09:00:00Z', { status: 'trialing', currency: 'eur' }),
        at('2026-01-02T09:00:00Z', { status: 'active', currency: 'eur', price_cents: 0, plan_id: 'free' }),
      ],
    );
    expect(
      all(rows, 'eur').map((r) => [
        r.day,
        r.mrr_cents,
        r.trials_started,
        r.trials_converted,
        r.trials_lapsed,
      ]),
    ).toEqual([
      ['2026-01-01', 0, 1, 0, 0],
      ['2026-01-02', 0, 0, 0, 1],
    ]);
    expect(rows.filter((r) => r.trials_lapsed > 0).map((r) => r.segment)).toEqual([
      '',
      'plan:p1',
      'cycle:monthly',
      'plan:p1/cycle:monthly',
    ]);
    expect(all(rows)).toEqual([]);
  });

  it('two currencies are never added: each has its own rows', () => {
    const rows = walk(
      ['2026-01-01'],
      [
        at('2026-01-01T09:00:00Z', {}),
        at('2026-01-01T10:00:00Z', { subscription_id: 's2', currency: 'eur', price_cents: 700 }),
      ],
    );
    expect(all(rows).map((r) => r.mrr_cents)).toEqual([1000]);
    expect(all(rows, 'eur').map((r) => [r.mrr_cents, r.customers, r.new_cents])).toEqual([[700, 1, 700]]);
  });
});
