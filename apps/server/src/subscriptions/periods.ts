import type { SubscriptionRow } from './schemas.js';

const DAY = 86_400_000;

export type BillingCycle = SubscriptionRow['billing_cycle'];

/** A period ends one calendar month or year after it starts. */
export function addCycle(start: Date, cycle: BillingCycle): Date {
  const end = new Date(start);
  if (cycle === 'annual') end.setUTCFullYear(end.getUTCFullYear() + 1);
  else end.setUTCMonth(end.getUTCMonth() + 1);
  return end;
}

/**
 * The period a renewal pays for: the next one after the current period (a late payment still pays for
 * the time since the period ended), or one from now when that would already be over.
 */
export function nextPeriod(sub: SubscriptionRow, now: Date): { start: Date; end: Date } {
  const start = sub.current_period_end ?? now;
  const end = addCycle(start, sub.billing_cycle);
  return end > now ? { start, end } : { start: now, end: addCycle(now, sub.billing_cycle) };
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY);
}
