import type { AppContext } from '../core/context.js';
import type { TxSql } from '../db/database.js';
import { segmentsOf } from './revenue-mrr.js';
import { addDays } from './revenue-periods.js';
import * as repo from './revenue-repository.js';
import { dayOf, daysFrom, paidKey, walkDays } from './revenue-walk.js';

const DAY = 86_400_000;

export interface RevenueSnapshotSummary extends Record<string, unknown> {
  accounts: number;
  days: number;
  rows: number;
}

/**
 * The `revenue-snapshots` job: for each account (or the one asked for), the days since its first
 * subscription not yet stored, the last stored one again (it may have been computed part-way through),
 * every day a change dated in the past marked stale (a subscription created with a past start),
 * and today so far (UTC, the clock's). A run starts from the balances stored for the day before its
 * first and the history of the customers its days change, so computing a day again writes the same rows.
 */
export async function runRevenueSnapshots(
  ctx: AppContext,
  accountId: string | null,
): Promise<RevenueSnapshotSummary> {
  const accounts = accountId
    ? [accountId]
    : (await repo.accountsWithSubscriptions(ctx.db.sql)).map((a) => a.id);
  const summary: RevenueSnapshotSummary = { accounts: 0, days: 0, rows: 0 };
  for (const id of accounts) {
    const done = await snapshotAccount(ctx, id);
    if (done.days === 0) continue;
    summary.accounts++;
    summary.days += done.days;
    summary.rows += done.rows;
  }
  return summary;
}

/** Days a transaction computes at most: a backfill of years holds one month's changes at a time. */
const CHUNK_DAYS = 31;

async function snapshotAccount(ctx: AppContext, accountId: string) {
  const today = dayOf(ctx.clock.now());
  const done = { days: 0, rows: 0 };
  // Where to start is decided once; each chunk then starts from the day its predecessor committed.
  const plan = await ctx.db.tx(async (tx) => {
    await repo.lockAccountSnapshots(tx, accountId);
    const first = await repo.firstChangeDay(tx, accountId);
    if (!first || first > today) return null;
    const run = await repo.snapshotRun(tx, accountId);
    let from = first;
    if (run && run.first_day === first) {
      from = [run.computed_through, run.stale_from ?? today, today].sort()[0]!;
      if (from < first) from = first;
    }
    return { first, from, marksSeen: run?.marks ?? '0' };
  });
  if (!plan) return done;
  for (let from = plan.from; from <= today; from = addDays(from, CHUNK_DAYS)) {
    const through = [addDays(from, CHUNK_DAYS - 1), today].sort()[0]!;
    done.rows += await ctx.db.tx(async (tx) => {
      await repo.lockAccountSnapshots(tx, accountId);
      return computeDays(tx, accountId, { ...plan, from, through });
    });
    done.days += daysFrom(from, through).length;
  }
  return done;
}

/**
 * Computes and stores from…through (deleting any stored day after it: a later chunk or run writes them),
 * from the balances stored for the day before and the history of the customers these days change.
 */
async function computeDays(
  tx: TxSql,
  accountId: string,
  c: { first: string; from: string; through: string; marksSeen: string },
) {
  const start = new Date(`${c.from}T00:00:00Z`);
  const end = new Date(new Date(`${c.through}T00:00:00Z`).getTime() + DAY);
  const changes = await repo.changesBetween(tx, accountId, start, end);
  const customers = [...new Set(changes.map((ch) => ch.customer_id))];
  const balances = c.from > c.first ? await repo.balancesOn(tx, accountId, addDays(c.from, -1)) : [];
  const states = customers.length ? await repo.liveStatesAt(tx, accountId, start, customers) : [];
  const paid = customers.length ? await repo.paidBefore(tx, accountId, start, customers) : [];
  const paidKeys = paid.flatMap((p) =>
    segmentsOf({ ...p, subscription_id: '', status: 'active', price_cents: 0, quantity: 1 }).map((s) =>
      paidKey(s, p.customer_id),
    ),
  );
  const rows = walkDays(daysFrom(c.from, c.through), { balances, states }, changes, paidKeys);
  await repo.replaceDaysFrom(tx, accountId, c.from, rows);
  // A stale mark made while this run worked stays for the next (its `marks` moved on).
  await repo.saveSnapshotRun(tx, accountId, {
    firstDay: c.first,
    through: c.through,
    marksSeen: c.marksSeen,
  });
  return rows.length;
}
