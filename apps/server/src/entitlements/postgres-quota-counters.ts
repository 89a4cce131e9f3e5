import type { Queryable } from '../db/database.js';
import type { Consumption, QuotaCounters, QuotaKey, UsageRow } from './quota-counters.js';
import { consumeQuota, currentCount, usageSummary } from './repository.js';
import { NOTHING_UNFLUSHED, type Unflushed } from './usage-write-behind.js';

/**
 * Counting in `usage_counters` with one conditional upsert per consumption. `unflushed` is usage Redis
 * accepted that is not written yet (when this is Redis's fallback), so it still counts against the limit.
 */
export class PostgresQuotaCounters implements QuotaCounters {
  constructor(
    private readonly sql: Queryable,
    private readonly unflushed: Unflushed = NOTHING_UNFLUSHED,
  ) {}

  async consume(key: QuotaKey, amount: number, limit: number | null): Promise<Consumption> {
    const extra = this.unflushed.count(key.licenseId, key.feature, key.periodStart);
    const count = await consumeQuota(this.sql, key, amount, limit === null ? null : limit - extra);
    if (count !== null) return { allowed: true, used: count + extra };
    return { allowed: false, used: await this.current(key) };
  }

  async current(key: QuotaKey) {
    const durable = await currentCount(this.sql, key.licenseId, key.feature, key.periodStart);
    return durable + this.unflushed.count(key.licenseId, key.feature, key.periodStart);
  }

  async usageSummary(licenseId: string, since: Date): Promise<UsageRow[]> {
    const rows: UsageRow[] = (await usageSummary(this.sql, licenseId, since)).map((r) => ({
      feature: r.feature,
      period_start: r.period_start,
      count: Number(r.count),
    }));
    for (const d of this.unflushed.ofLicense(licenseId)) {
      const row = rows.find(
        (r) => r.feature === d.feature && r.period_start.getTime() === d.periodStart.getTime(),
      );
      if (row) row.count += d.delta;
      else rows.push({ feature: d.feature, period_start: d.periodStart, count: d.delta });
    }
    return rows;
  }

  async close() {}
}
