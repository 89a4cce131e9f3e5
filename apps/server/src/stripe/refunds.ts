import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { recordEvent } from '../events/record.js';
import { transitionLicense } from '../licenses/service.js';
import { transitionIf } from '../subscriptions/transitions.js';
import type { Outcome } from './outcome.js';
import { purchasesOfPayment } from './repository.js';

const META = { ip: '', requestId: '' };

/**
 * A refunded or disputed payment: what it paid for is suspended and the event is flagged for staff to
 * review (needs_attention, with what was done) — a refund may be a goodwill gesture, a dispute may be
 * won; staff decide, then reinstate or revoke. What it paid for: the order whose checkout made the
 * payment (by its PaymentIntent), else the customer's one live Stripe subscription.
 */
export async function suspendForReview(
  ctx: AppContext,
  p: Principal,
  what: {
    kind: 'refunded' | 'disputed';
    chargeId: string;
    paymentIntent: string | null;
    customer: string | null;
  },
): Promise<Outcome> {
  const sql = ctx.db.sql;
  const reason = `Stripe: payment ${what.kind} (${what.chargeId}); review`;
  const { order, subscriptions, licenses } = await purchasesOfPayment(
    sql,
    p.accountId,
    what.paymentIntent,
    what.customer,
  );
  if (subscriptions.length > 1 && !order)
    return {
      status: 'needs_attention',
      note: `${reason}: the customer has ${subscriptions.length} subscriptions; suspend the right one by hand`,
    };
  const who = { accountId: p.accountId, actor: { type: 'system' as const, id: 'stripe' } };
  for (const s of subscriptions)
    await transitionIf(ctx, who, s.id, (f) =>
      f.sub.status === 'suspended' ? null : ['suspend', { reason }],
    );
  for (const l of licenses) await transitionLicense(ctx, p, l.id, 'suspend', reason, META);
  if (subscriptions.length + licenses.length === 0)
    return { status: 'needs_attention', note: `${reason}: nothing Keyward sold matches it` };
  await recordEvent(sql, {
    accountId: p.accountId,
    type: 'payment.flagged_for_review',
    actor: { type: 'system', id: 'stripe' },
    subject: order ? { type: 'order', id: order.id } : { type: 'subscription', id: subscriptions[0]!.id },
    data: {
      charge: what.chargeId,
      kind: what.kind,
      subscriptions: subscriptions.map((s) => s.id),
      licenses: licenses.map((l) => l.id),
    },
  });
  return {
    status: 'needs_attention',
    note: `${reason}: suspended ${subscriptions.length ? 'its subscription' : `${licenses.length} license(s) of order #${order!.number}`}`,
  };
}
