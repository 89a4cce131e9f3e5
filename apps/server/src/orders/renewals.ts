import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import * as repo from './repository.js';
import { insertDraft, move } from './service.js';

const BATCH = 200;
const META = { ip: '', requestId: '' };

/**
 * Auto-renewal of manually billed subscriptions (issue J, with L's orders): a subscription whose period
 * ended unpaid — past due, its licenses held through the dunning window — gets an order for the next
 * period, priced as the subscription is, submitted (approved, or waiting for approval when the plan asks
 * for it). Paying it renews the subscription. One order per subscription and period, across processes.
 * Run by the lifecycle job after the subscription pass.
 */
export async function orderDueRenewals(ctx: AppContext, accountId: string | null = null): Promise<number> {
  let ordered = 0;
  for (;;) {
    const due = await repo.renewalsDue(ctx.db.sql, accountId, BATCH);
    for (const s of due) {
      const p: Principal = {
        accountId: s.account_id,
        role: 'owner',
        actorType: 'system',
        actorId: 'lifecycle',
      };
      const made = await ctx.db.tx(async (tx) => {
        // Under the subscription's lock: a second process or pass finds the order and makes none.
        if (!(await repo.lockForRenewal(tx, s.id, s.current_period_end))) return false;
        const draft = await insertDraft(tx, p, META, {
          customer_id: s.customer_id,
          currency: s.currency,
          items: [
            {
              plan_id: s.plan_id,
              billing_cycle: s.billing_cycle,
              quantity: s.quantity,
              unit_amount_cents: s.price_cents,
            },
          ],
          notes: `Renewal of the subscription for the period after ${s.current_period_end.toISOString().slice(0, 10)}`,
        });
        await repo.markRenewal(tx, draft.id, s.id, s.current_period_end);
        await move(tx, p, META, { ...draft, renews_subscription_id: s.id }, 'submit');
        return true;
      });
      if (made) ordered++;
    }
    if (due.length < BATCH) return ordered;
  }
}
