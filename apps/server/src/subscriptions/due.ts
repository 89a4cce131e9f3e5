import type { AppContext } from '../core/context.js';
import { backgroundPacer } from '../core/pacer.js';
import { dueSubscriptions } from './repository.js';
import { transitionDue } from './transitions.js';

const BATCH = 200;
const SYSTEM = { type: 'system' } as const;

/** What one pass did to subscriptions, by the status each ended in. */
export type SubscriptionPassSummary = Record<'renewed' | 'past_due' | 'suspended' | 'expired', number>;

/**
 * The time-driven part of a subscription's life, as of the clock's now (the lifecycle job runs it
 * before the license pass, so a renewal extends licenses before their expiry is looked at): each
 * subscription whose trial, period or dunning window ended gets what `dueAction` says, with its
 * licenses, under its lock — so a second process or a second pass finds nothing left to do.
 */
export async function runSubscriptionPass(
  ctx: AppContext,
  accountId: string | null = null,
): Promise<SubscriptionPassSummary> {
  const summary: SubscriptionPassSummary = { renewed: 0, past_due: 0, suspended: 0, expired: 0 };
  let after: string | null = null;
  const pacer = backgroundPacer();
  for (;;) {
    const due = await dueSubscriptions(ctx.db.sql, ctx.clock.now(), accountId, after, BATCH);
    for (const s of due) {
      const row = await pacer.run(() => transitionDue(ctx, { accountId: s.account_id, actor: SYSTEM }, s.id));
      if (!row) continue;
      if (row.status === 'active') summary.renewed++;
      else if (row.status === 'past_due' || row.status === 'suspended' || row.status === 'expired')
        summary[row.status]++;
    }
    if (due.length < BATCH) return summary;
    after = due[due.length - 1]!.id;
  }
}
