import type { AppContext } from '../core/context.js';
import { decideLicense } from '../licenses/decision.js';
import { licenseTiming } from '../licenses/evaluate.js';
import type { LicenseWithPlan } from '../licenses/repository.js';
import type { QuotaCounters } from './quota-counters.js';
import { LIMIT_COUNTERS, type Period, periodReset, periodStart } from './rules.js';
import { licenseAlerts, licenseRecommendations, type UsageLine } from './status-rules.js';

const DAY = 86_400_000;

/** GET /licensing/status (seed 002): the license, usage against every limit, alerts and recommendations. */
export async function licenseStatus(ctx: AppContext, counters: QuotaCounters, license: LicenseWithPlan) {
  const now = ctx.clock.now();
  const timing = licenseTiming(license, now);
  const lines: Array<{ name: string; feature: string; period: Period; limit: number | null }> = [];
  for (const f of license.features as Array<{
    feature_id: string;
    enabled: boolean;
    limit_value?: number | null;
    period?: Period;
  }>) {
    if (f.enabled && f.limit_value != null)
      lines.push({
        name: f.feature_id,
        feature: f.feature_id,
        period: f.period ?? 'total',
        limit: f.limit_value,
      });
  }
  for (const [name, limit] of Object.entries(license.limits)) {
    const counter = LIMIT_COUNTERS[name] ?? { feature: name, period: 'total' as const };
    lines.push({ name, ...counter, limit });
  }
  // The current periods are read live (Redis counts ahead of PostgreSQL's write-behind).
  const rows = await counters.usageSummary(
    license.id,
    new Date(now.getTime() - 30 * DAY),
    lines.map((l) => ({ feature: l.feature, periodStart: periodStart(l.period, now) })),
  );
  const usage = lines.map(({ name, feature, period, limit }): UsageLine => {
    const current = periodStart(period, now).getTime();
    const mine = rows.filter((r) => r.feature === feature);
    const used = mine.find((r) => r.period_start.getTime() === current)?.count ?? 0;
    const peak = Math.max(used, ...mine.map((r) => r.count));
    return {
      name,
      used,
      peak,
      limit,
      percentage: limit ? Math.round((used / limit) * 1000) / 10 : null,
      period,
      reset_at: periodReset(period, now)?.toISOString() ?? null,
    };
  });
  const valid = decideLicense({ license, now }).valid;
  const daysUntilExpiry = timing.days_remaining;
  const metered = (
    license.features as Array<{ feature_id: string; enabled: boolean; limit_value?: number | null }>
  )
    .filter((f) => f.enabled && f.limit_value != null)
    .map((f) => f.feature_id);
  const percentages = usage.map((u) => u.percentage).filter((p): p is number => p !== null);
  return {
    license: {
      id: license.id,
      tier: license.plan_code,
      tier_name: license.plan_name,
      tier_rank: license.plan_rank,
      status: timing.status,
      expires_at: license.expires_at,
      is_in_grace_period: timing.in_grace_period,
      features: license.features,
      limits: license.limits,
    },
    is_valid: valid,
    days_until_expiry: daysUntilExpiry,
    usage_percentage: percentages.length ? Math.max(...percentages) : 0,
    usage,
    alerts: licenseAlerts(daysUntilExpiry, usage, valid),
    recommendations: licenseRecommendations(
      license.plan_rank,
      usage,
      metered,
      new Set(rows.map((r) => r.feature)),
    ),
  };
}
