import { monthlyCents, type Segment, type SubscriptionState, segmentsOf } from './revenue-mrr.js';

/**
 * The day-by-day walk over subscriptions' history that the `revenue-snapshots` job stores: from every
 * subscription's state at the first day's start, each change in order, and at each day's end (UTC) one
 * row per segment and currency. Movements compare each customer's MRR in the segment at the day's start
 * and end (ChartMogul's customer-level movements, docs/analytics.md#mrr-movements), so for every row
 * MRR(end) − MRR(start) = new + expansion + reactivation − contraction − churn.
 */

/** A state of the history and when it began. */
export interface Change extends SubscriptionState {
  at: Date;
}

export interface DailyCounts {
  new_cents: number;
  expansion_cents: number;
  contraction_cents: number;
  churn_cents: number;
  reactivation_cents: number;
  new_customers: number;
  reactivated_customers: number;
  churned_customers: number;
  trials_started: number;
  trials_converted: number;
  trials_lapsed: number;
}

/** A segment's balances at the end of a day. */
export interface SegmentBalance extends Segment {
  mrr_cents: number;
  subscribers: number;
  customers: number;
}

/** One row of `revenue_daily`. */
export interface DailyRow extends SegmentBalance, DailyCounts {
  day: string;
}

/**
 * Where a walk starts: every segment's balances at the end of the day before its first day (stored by the
 * run that computed it; none for an account's first day), and the state then of the subscriptions of
 * every customer its days change — the only customers whose movements it has to tell.
 */
export interface WalkStart {
  balances: Iterable<SegmentBalance>;
  states: Iterable<SubscriptionState>;
}

const zero = (): DailyCounts => ({
  new_cents: 0,
  expansion_cents: 0,
  contraction_cents: 0,
  churn_cents: 0,
  reactivation_cents: 0,
  new_customers: 0,
  reactivated_customers: 0,
  churned_customers: 0,
  trials_started: 0,
  trials_converted: 0,
  trials_lapsed: 0,
});

/** States a subscription's later changes are compared with; any other contributes nothing (dropped). */
const LIVE: ReadonlySet<string> = new Set(['trialing', 'active', 'past_due']);

/** The UTC day of an instant, `YYYY-MM-DD`. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** The key of a customer in a segment and currency: what "had MRR before" is remembered by. */
export const paidKey = (s: Segment, customerId: string) => `${s.segment}|${s.currency}|${customerId}`;

/** One segment and currency as the walk stands: its MRR, paying subscriptions and customers. */
class Tally {
  mrr = 0;
  subscribers = 0;
  customers = 0;
  /** The MRR here of each paying customer the walk knows the subscriptions of (no entry: none). */
  readonly customerMrr = new Map<string, number>();
  /** The MRR at the start of the day of each customer the day touched. */
  readonly dayStart = new Map<string, number>();
  counts = zero();

  constructor(readonly segment: Segment) {}

  add(customerId: string, cents: number, subscribers: number) {
    if (!this.dayStart.has(customerId)) this.dayStart.set(customerId, this.customerMrr.get(customerId) ?? 0);
    this.mrr += cents;
    this.subscribers += subscribers;
    this.seed(customerId, cents);
  }

  /** A customer's MRR here moves by `cents`; the balances only through `add`. */
  seed(customerId: string, cents: number) {
    const was = this.customerMrr.get(customerId) ?? 0;
    const now = was + cents;
    if (was === 0 && now > 0) this.customers++;
    if (was > 0 && now === 0) this.customers--;
    if (now === 0) this.customerMrr.delete(customerId);
    else this.customerMrr.set(customerId, now);
  }
}

export class RevenueWalk {
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly tallies = new Map<string, Tally>();
  private readonly paidBefore: Set<string>;
  private readonly paidToday = new Set<string>();

  /**
   * `paidBefore`: the keys (segment|currency|customer) of customers of `start.states` that had MRR there
   * at any time before the first day (so their return is a reactivation).
   */
  constructor(start: WalkStart, paidBefore: Iterable<string>) {
    this.paidBefore = new Set(paidBefore);
    for (const b of start.balances) {
      const { mrr_cents, subscribers, customers, ...segment } = b;
      const t = this.tally(segment);
      t.mrr = mrr_cents;
      t.subscribers = subscribers;
      t.customers = customers;
    }
    // Already in the balances: only each customer's own MRR is set, and the `customers` count kept.
    for (const s of start.states) {
      this.subscriptions.set(s.subscription_id, s);
      const cents = monthlyCents(s);
      for (const segment of segmentsOf(s)) {
        const t = this.tally(segment);
        const customers = t.customers;
        t.seed(s.customer_id, cents);
        t.customers = customers;
      }
    }
  }

  /** A subscription moves to `next`. */
  apply(next: SubscriptionState) {
    const prev = this.subscriptions.get(next.subscription_id);
    const before = prev ? monthlyCents(prev) : 0;
    const after = monthlyCents(next);
    if (next.status === 'trialing' && prev?.status !== 'trialing')
      for (const s of segmentsOf(next)) this.tally(s).counts.trials_started++;
    // A trial ends when its subscription leaves `trialing`: converted if it is now paid for.
    if (prev?.status === 'trialing' && next.status !== 'trialing')
      for (const s of segmentsOf(prev)) {
        if (after > 0) this.tally(s).counts.trials_converted++;
        else this.tally(s).counts.trials_lapsed++;
      }
    if (prev)
      for (const s of segmentsOf(prev)) this.tally(s).add(prev.customer_id, -before, before > 0 ? -1 : 0);
    for (const s of segmentsOf(next)) {
      this.tally(s).add(next.customer_id, after, after > 0 ? 1 : 0);
      if (after > 0) this.paidToday.add(paidKey(s, next.customer_id));
    }
    if (LIVE.has(next.status)) this.subscriptions.set(next.subscription_id, next);
    else this.subscriptions.delete(next.subscription_id);
  }

  /** Closes `day`: its movements from each touched customer's start and end, one row per non-empty tally. */
  endDay(day: string): DailyRow[] {
    const rows: DailyRow[] = [];
    for (const t of this.tallies.values()) {
      const c = t.counts;
      for (const [customerId, start] of t.dayStart) {
        const end = t.customerMrr.get(customerId) ?? 0;
        if (start === 0 && end > 0) {
          if (this.paidBefore.has(paidKey(t.segment, customerId))) {
            c.reactivation_cents += end;
            c.reactivated_customers++;
          } else {
            c.new_cents += end;
            c.new_customers++;
          }
        } else if (start > 0 && end === 0) {
          c.churn_cents += start;
          c.churned_customers++;
        } else if (end > start) c.expansion_cents += end - start;
        else if (end < start) c.contraction_cents += start - end;
      }
      if (t.mrr !== 0 || t.subscribers !== 0 || Object.values(c).some((n) => n !== 0))
        rows.push({
          ...t.segment,
          day,
          mrr_cents: t.mrr,
          subscribers: t.subscribers,
          customers: t.customers,
          ...c,
        });
      t.dayStart.clear();
      t.counts = zero();
    }
    for (const key of this.paidToday) this.paidBefore.add(key);
    this.paidToday.clear();
    return rows;
  }

  private tally(s: Segment): Tally {
    const key = `${s.segment}|${s.currency}`;
    let t = this.tallies.get(key);
    if (!t) {
      t = new Tally(s);
      this.tallies.set(key, t);
    }
    return t;
  }
}

/** Every day from `from` through `to` (`YYYY-MM-DD`, UTC). */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); dayOf(d) <= to; d = new Date(d.getTime() + 86_400_000))
    days.push(dayOf(d));
  return days;
}

/** The walk over `days`: `changes` in order of time, all within them; the rows of every day. */
export function walkDays(
  days: readonly string[],
  start: WalkStart,
  changes: readonly Change[],
  paidBefore: Iterable<string>,
): DailyRow[] {
  const walk = new RevenueWalk(start, paidBefore);
  const rows: DailyRow[] = [];
  let i = 0;
  for (const day of days) {
    while (i < changes.length && dayOf(changes[i]!.at) <= day) walk.apply(changes[i++]!);
    rows.push(...walk.endDay(day));
  }
  return rows;
}
