import type { AppContext } from '../core/context.js';
import { overviewCounts, timeSeries } from './repository.js';
import { KIND, RANGES, type SeriesFilter } from './schemas.js';

/** The dashboard overview: licenses, devices, tiers, MRR, expiring licenses, recent activations, alerts. */
export async function overview(ctx: AppContext, accountId: string) {
  const now = ctx.clock.now();
  const c = await overviewCounts(ctx.db.sql, accountId, now);
  const licensesByStatus = Object.fromEntries(c.byStatus.map((r) => [r.status, r.n]));
  const mrrByTier = Object.fromEntries(c.mrr.map((r) => [r.code, r.mrr_cents]));
  const alerts = [];
  if (c.expiringCount > 0)
    alerts.push({
      type: 'licenses_expiring',
      severity: 'warning',
      message: `${c.expiringCount} license(s) expire in the next 30 days`,
    });
  return {
    licenses_by_status: licensesByStatus,
    licenses_total: c.byStatus.reduce((s, r) => s + r.n, 0),
    customers: c.customers,
    active_devices_24h: c.devices,
    tier_distribution: c.tiers.map((t) => ({ ...t, mrr_cents: mrrByTier[t.code] ?? 0 })),
    mrr_cents: c.mrr.reduce((s, r) => s + r.mrr_cents, 0),
    expiring_30d: { count: c.expiringCount, licenses: c.expiring },
    recent_activations: c.recent,
    alerts,
    generated_at: now.toISOString(),
  };
}

/** Counts of one metric per hour, day or week over the range, from the hourly rollup. */
export async function series(ctx: AppContext, accountId: string, f: SeriesFilter) {
  const { metric, interval, range } = f;
  const since = new Date(ctx.clock.now().getTime() - RANGES[range as keyof typeof RANGES] * 86_400_000);
  const rows = await timeSeries(ctx.db.sql, accountId, KIND[metric], interval, since);
  return {
    metric,
    interval,
    range,
    points: rows.map((r) => ({ at: r.bucket.toISOString(), total: r.total, failed: r.failed })),
  };
}
