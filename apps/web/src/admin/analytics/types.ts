import type { components } from '../../api/schema';

export type RevenueReport = components['schemas']['RevenueReport'];
export type CurrencyRevenue = RevenueReport['currencies'][number];
export type RevenuePeriod = CurrencyRevenue['summary'];
export type UsageReport = components['schemas']['UsageReport'];
export type UsageRange = '24h' | '7d' | '30d' | '90d';

/** Unix seconds of an ISO date or date-time (the x values of the charts). */
export const seconds = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 1000;

/** The first day (UTC, YYYY-MM-DD) of the month `months - 1` months before today's. */
export function monthsBack(months: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  return d.toISOString().slice(0, 10);
}
