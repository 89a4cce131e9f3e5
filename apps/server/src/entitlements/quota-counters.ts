/** One usage counter: a license's feature in one quota period (`periodEnd` null = "total", never resets). */
export interface QuotaKey {
  accountId: string;
  licenseId: string;
  feature: string;
  periodStart: Date;
  periodEnd: Date | null;
}

export interface Consumption {
  allowed: boolean;
  /** The count after this consumption, or the count that refused it. */
  used: number;
}

export interface UsageRow {
  feature: string;
  period_start: Date;
  count: number;
}

/**
 * Usage-quota counters (spec issue D): the check-and-add is atomic across processes, so a period's total
 * never passes its quota. PostgreSQL alone, or Redis in front of it when REDIS_URL is set.
 */
export interface QuotaCounters {
  /** Adds `amount` unless that would pass `limit` (null = unlimited, still counted). */
  consume(key: QuotaKey, amount: number, limit: number | null): Promise<Consumption>;
  current(key: QuotaKey): Promise<number>;
  /** Counts of periods since `since` (and "total"), with live values for the `live` periods. */
  usageSummary(
    licenseId: string,
    since: Date,
    live: Array<{ feature: string; periodStart: Date }>,
  ): Promise<UsageRow[]>;
  close(): Promise<void>;
}
