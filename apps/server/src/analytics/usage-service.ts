import type { AppContext } from '../core/context.js';
import { csvTable } from '../core/csv.js';
import { type Period, periodStart } from '../entitlements/rules.js';
import { RANGES } from './schemas.js';
import * as repo from './usage-repository.js';
import type { UsageCsvFilter, UsageFilter, UsageReport } from './usage-schemas.js';

const KIND_COLUMN = {
  activation: 'activations',
  validation: 'validations',
  heartbeat: 'heartbeats',
  deactivation: 'deactivations',
  usage: 'usage',
} as const;
type Counts = Record<(typeof KIND_COLUMN)[keyof typeof KIND_COLUMN] | 'failed', number>;
const zero = (): Counts => ({
  activations: 0,
  validations: 0,
  heartbeats: 0,
  deactivations: 0,
  usage: 0,
  failed: 0,
});

/** Adds a kind's row to counts; refusals count as failed calls (quota consumption is never a call). */
function add(counts: Counts, row: { kind: string; total: number; failed: number }) {
  const column = KIND_COLUMN[row.kind as keyof typeof KIND_COLUMN];
  if (column) counts[column] += row.total;
  if (row.kind !== 'usage') counts.failed += row.failed;
}

/**
 * Usage analytics for the range (docs/analytics.md#usage): client activity as a series and by hour of
 * day, active devices, seats used against seats allowed per plan, quota consumed per feature, licenses
 * at 80 % of a limit, and the app versions and platforms of live seats — for the whole account or the
 * licenses of one license, customer, plan or product.
 */
export async function usageReport(ctx: AppContext, accountId: string, f: UsageFilter): Promise<UsageReport> {
  const until = ctx.clock.now();
  const range = f.range as keyof typeof RANGES;
  const since = new Date(until.getTime() - RANGES[range] * 86_400_000);
  const interval = range === '24h' ? 'hour' : 'day';
  const q = ctx.db.sql;
  const [rows, hours, devices, plans, planActivity, features, seats, counters, versions, platforms] =
    await Promise.all([
      repo.activity(q, accountId, f, interval, since),
      repo.callsByHourOfDay(q, accountId, f, since),
      repo.activeDevices(q, accountId, f, since),
      repo.plansInUse(q, accountId, f),
      repo.activityByPlan(q, accountId, f, since),
      repo.featureUsage(q, accountId, f, since),
      repo.nearSeatLimit(q, accountId, f),
      // A monthly counter is touched at least once a month when it can be near its limit.
      repo.recentQuotaCounters(q, accountId, f, new Date(until.getTime() - 31 * 86_400_000)),
      repo.seatsBy(q, accountId, f, 'app_version'),
      repo.seatsBy(q, accountId, f, 'platform'),
    ]);

  const totals = zero();
  const buckets = new Map<number, Counts>();
  for (const r of rows) {
    add(totals, r);
    const at = r.at.getTime();
    if (!buckets.has(at)) buckets.set(at, zero());
    add(buckets.get(at)!, r);
  }
  const byHour = new Map(hours.map((h) => [h.hour, h.calls]));
  const perPlan = new Map<string, Counts>();
  for (const r of planActivity) {
    if (!perPlan.has(r.plan_id)) perPlan.set(r.plan_id, zero());
    add(perPlan.get(r.plan_id)!, r);
  }
  // Only a counter of its feature's current period says how near the limit the license is now.
  const quotas = counters.filter(
    (c) => c.period_start.getTime() === periodStart((c.period ?? 'total') as Period, until).getTime(),
  );
  const nearLimit = [...seats, ...quotas]
    .map(({ license_id, key_last4, customer_id, plan_code, limit, used, limit_value }) => ({
      license_id,
      key_last4,
      customer_id,
      plan_code,
      limit,
      used,
      limit_value,
      percentage: Math.round((used / limit_value) * 1000) / 10,
    }))
    .sort((a, b) => b.percentage - a.percentage)
    .slice(0, 100);

  return {
    range,
    interval,
    since: since.toISOString(),
    until: until.toISOString(),
    totals,
    active_devices: devices,
    series: [...buckets].map(([at, counts]) => ({ at: new Date(at).toISOString(), ...counts })),
    peak_hours: Array.from({ length: 24 }, (_, hour) => ({ hour, calls: byHour.get(hour) ?? 0 })),
    by_plan: plans.map((p) => ({
      plan_id: p.plan_id,
      code: p.code,
      name: p.name,
      product_id: p.product_id,
      licenses: p.licenses,
      seats_used: p.seats_used,
      seats_allowed: p.seats_allowed,
      utilisation: p.seats_allowed ? Math.round((p.seats_of_limited / p.seats_allowed) * 1000) / 1000 : null,
      ...(perPlan.get(p.plan_id) ?? zero()),
    })),
    features,
    near_limit: nearLimit,
    app_versions: versions,
    platforms,
  };
}

const COUNT_COLUMNS = [
  'activations',
  'validations',
  'heartbeats',
  'deactivations',
  'usage',
  'failed',
] as const;

/** One table of the usage report as CSV (`GET /api/v1/analytics/usage.csv?table=`). */
export async function usageCsv(ctx: AppContext, accountId: string, f: UsageCsvFilter) {
  const { table, ...filter } = f;
  const r = await usageReport(ctx, accountId, filter);
  const files = {
    series: () =>
      csvTable(
        ['at', ...COUNT_COLUMNS],
        r.series.map((s) => [s.at, ...COUNT_COLUMNS.map((c) => s[c])]),
      ),
    by_plan: () =>
      csvTable(
        [
          'plan_id',
          'code',
          'name',
          'licenses',
          'seats_used',
          'seats_allowed',
          'utilisation',
          ...COUNT_COLUMNS,
        ],
        r.by_plan.map((p) => [
          p.plan_id,
          p.code,
          p.name,
          p.licenses,
          p.seats_used,
          p.seats_allowed,
          p.utilisation,
          ...COUNT_COLUMNS.map((c) => p[c]),
        ]),
      ),
    features: () =>
      csvTable(
        ['feature', 'used', 'licenses'],
        r.features.map((x) => [x.feature, x.used, x.licenses]),
      ),
    near_limit: () =>
      csvTable(
        ['license_id', 'key_last4', 'customer_id', 'plan_code', 'limit', 'used', 'limit_value', 'percentage'],
        r.near_limit.map((n) => [
          n.license_id,
          n.key_last4,
          n.customer_id,
          n.plan_code,
          n.limit,
          n.used,
          n.limit_value,
          n.percentage,
        ]),
      ),
    app_versions: () =>
      csvTable(
        ['app_version', 'devices'],
        r.app_versions.map((v) => [v.value, v.devices]),
      ),
    platforms: () =>
      csvTable(
        ['platform', 'devices'],
        r.platforms.map((v) => [v.value, v.devices]),
      ),
  };
  return { filename: `usage-${table}-${r.range}.csv`, body: files[table as keyof typeof files]() };
}
