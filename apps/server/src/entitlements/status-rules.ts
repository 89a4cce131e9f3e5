/** One limit and how much of it is used (current period and the 30-day peak). */
export interface UsageLine {
  name: string;
  used: number;
  peak: number;
  limit: number | null;
  percentage: number | null;
  period: string;
  reset_at: string | null;
}

export interface Alert {
  type: 'expiring_soon' | 'usage_high' | 'usage_critical' | 'license_invalid';
  severity: 'info' | 'warning' | 'critical';
  message: string;
  limit?: string;
}

export interface Recommendation {
  type: 'upgrade' | 'downgrade' | 'unused_feature';
  message: string;
  limit?: string;
  feature?: string;
}

/** Expiry alerts at 30, 7 and 1 days (the nearest threshold only); usage alerts at ≥ 75 % and ≥ 90 %. */
export function licenseAlerts(daysUntilExpiry: number | null, usage: UsageLine[], valid: boolean): Alert[] {
  const alerts: Alert[] = [];
  if (!valid)
    alerts.push({ type: 'license_invalid', severity: 'critical', message: 'The license is not valid' });
  if (daysUntilExpiry !== null) {
    const threshold = [1, 7, 30].find((d) => daysUntilExpiry <= d);
    if (threshold !== undefined) {
      alerts.push({
        type: 'expiring_soon',
        severity: threshold === 1 ? 'critical' : threshold === 7 ? 'warning' : 'info',
        message: `The license expires in ${daysUntilExpiry} day(s)`,
      });
    }
  }
  for (const u of usage) {
    if (u.percentage === null) continue;
    if (u.percentage >= 90)
      alerts.push({
        type: 'usage_critical',
        severity: 'critical',
        limit: u.name,
        message: `${u.name} is at ${u.percentage}% of its limit`,
      });
    else if (u.percentage >= 75)
      alerts.push({
        type: 'usage_high',
        severity: 'warning',
        limit: u.name,
        message: `${u.name} is at ${u.percentage}% of its limit`,
      });
  }
  return alerts;
}

/**
 * Upgrade when the 30-day peak passes 80 % of a limit; downgrade when a high tier (rank ≥ 2) uses under
 * 20 % of every limit; name enabled metered features nobody used in 30 days.
 */
export function licenseRecommendations(
  tierRank: number,
  usage: UsageLine[],
  enabledMetered: string[],
  usedFeatures: Set<string>,
): Recommendation[] {
  const recs: Recommendation[] = [];
  const pct = (u: UsageLine) => (u.limit ? (u.peak / u.limit) * 100 : 0);
  for (const u of usage) {
    if (u.limit && pct(u) > 80)
      recs.push({
        type: 'upgrade',
        limit: u.name,
        message: `Peak use of ${u.name} reached ${Math.round(pct(u))}% of the limit; a higher tier avoids hitting it`,
      });
  }
  const limited = usage.filter((u) => u.limit);
  if (tierRank >= 2 && limited.length > 0 && limited.every((u) => pct(u) < 20)) {
    recs.push({
      type: 'downgrade',
      message: 'Every limit stayed under 20% of its allowance in 30 days; a lower tier may be enough',
    });
  }
  for (const f of enabledMetered) {
    if (!usedFeatures.has(f))
      recs.push({
        type: 'unused_feature',
        feature: f,
        message: `${f} is licensed but was not used in 30 days`,
      });
  }
  return recs;
}
