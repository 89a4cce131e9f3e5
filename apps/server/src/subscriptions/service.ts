import { markRevenueStale } from '../analytics/revenue-repository.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { type Queryable, sentTogether, type TxSql } from '../db/database.js';
import { existsInAccount, insertRow } from '../db/patch.js';
import { recordEvent } from '../events/record.js';
import { createLicense } from '../licenses/service.js';
import { findPlan } from '../plans/repository.js';
import { seatLimit } from './licenses.js';
import { addCycle, addDays } from './periods.js';
import * as repo from './repository.js';
import type {
  CancelSubscriptionInput,
  CreateSubscriptionInput,
  ListSubscriptionsFilters,
  SubscriptionActionInput,
  SubscriptionRow,
  UpdateSubscriptionInput,
} from './schemas.js';
import type { SubscriptionAction } from './state.js';
import { type Step, transition, underLock, type Who } from './transitions.js';

const JSON_COLUMNS = ['external_ids', 'metadata'];

/** A body field that names an id of another account (or of nothing). */
function notInAccount(field: string) {
  return new AppError('NOT_FOUND', `${field} does not name a record of this account`, {
    pointer: `/body/${field}`,
  });
}

async function planInAccount(q: Queryable, accountId: string, planId: string) {
  const plan = await findPlan(q, accountId, planId);
  if (!plan) throw notInAccount('plan_id');
  return plan;
}

/** A staff principal as the author of a change. */
export function staff(p: Principal, ip: string, requestId?: string): Who {
  return {
    accountId: p.accountId,
    actor: { type: p.actorType, id: p.actorId },
    ip,
    requestId: requestId ?? null,
  };
}

/** One page of subscriptions plus a look-ahead row (the route cuts the page). */
export function listSubscriptions(ctx: AppContext, accountId: string, filters: ListSubscriptionsFilters) {
  return repo.listSubscriptions(ctx.db.sql, accountId, filters);
}

export async function getSubscription(ctx: AppContext, accountId: string, id: string) {
  const row = await repo.findSubscription(ctx.db.sql, accountId, id);
  if (!row) throw notFound('Subscription');
  return row;
}

/**
 * Manual billing. Price and currency default to the plan's for the cycle; the first period is one cycle
 * from its start, or the trial (status `trialing`: until `trial_ends_at`, default the plan's trial
 * length). Issues the license the subscription drives, with the plan's seats × quantity, ending with
 * the period; its key is in the answer, this once.
 */
export async function createSubscription(
  ctx: AppContext,
  p: Principal,
  /** `order_id`: the order whose fulfilment starts it (its license names the order). */
  input: CreateSubscriptionInput & { order_id?: string },
  meta: { ip: string; requestId: string },
  outer?: TxSql,
) {
  const { issue_license: issue = true, order_id: orderId, ...fields } = input;
  // Inside an outer transaction (an order's fulfilment) it commits with it.
  const inTx = <T>(fn: (tx: TxSql) => Promise<T>) => (outer ? fn(outer) : ctx.db.tx(fn));
  return inTx(async (tx) => {
    // Read together (one round trip), judged in turn. An order's fulfilment names the order's customer,
    // checked when the order was made (or made with it).
    const [customerFound, plan] = await Promise.all([
      orderId ?? existsInAccount(tx, 'customers', p.accountId, input.customer_id),
      findPlan(tx, p.accountId, input.plan_id),
    ]);
    if (!customerFound) throw notInAccount('customer_id');
    if (!plan) throw notInAccount('plan_id');
    const cycle = input.billing_cycle ?? 'monthly';
    const start = input.current_period_start ? new Date(input.current_period_start) : ctx.clock.now();
    const trialing =
      input.status === 'trialing' || (input.status === undefined && Boolean(input.trial_ends_at));
    let trialEnds: Date | null = null;
    if (trialing) {
      if (input.trial_ends_at) trialEnds = new Date(input.trial_ends_at);
      else if (plan.trial_allowed && plan.trial_days > 0) trialEnds = addDays(start, plan.trial_days);
      else
        throw new AppError(
          'INVALID_FIELD',
          `Plan ${plan.code} offers no trial: give trial_ends_at for this one`,
          {
            pointer: '/body/trial_ends_at',
          },
        );
    } else if (input.trial_ends_at) {
      throw new AppError('INVALID_FIELD', 'trial_ends_at is for a subscription that starts trialing', {
        pointer: '/body/trial_ends_at',
      });
    }
    const end =
      trialEnds ?? (input.current_period_end ? new Date(input.current_period_end) : addCycle(start, cycle));
    if (end <= start) {
      throw new AppError('INVALID_FIELD', 'The first period (or trial) must end after it starts', {
        pointer: trialEnds ? '/body/trial_ends_at' : '/body/current_period_end',
      });
    }
    const quantity = input.quantity ?? 1;
    const created = await insertRow<SubscriptionRow>(
      tx,
      'subscriptions',
      p.accountId,
      {
        price_cents: cycle === 'annual' ? plan.price_yearly_cents : plan.price_monthly_cents,
        currency: plan.currency,
        ...fields,
        status: trialing ? 'trialing' : 'active',
        billing_cycle: cycle,
        quantity,
        current_period_start: start,
        current_period_end: end,
        trial_ends_at: trialEnds,
      },
      JSON_COLUMNS,
    );
    // Its revenue history starts with its period (or trial), backdated when the start was given earlier;
    // revenue days already stored from a past day on are then computed again.
    const now = ctx.clock.now();
    const since = new Date(Math.min(start.getTime(), now.getTime()));
    const sinceDay = since.toISOString().slice(0, 10);
    // The history row goes out with the license's first reads (a failure of either fails the transaction).
    const [, , issued] = await sentTogether([
      repo.recordSubscriptionChange(tx, created, since),
      sinceDay < now.toISOString().slice(0, 10) ? markRevenueStale(tx, p.accountId, sinceDay) : null,
      issue
        ? createLicense(
            ctx,
            p,
            {
              plan_id: plan.id,
              customer_id: input.customer_id,
              subscription_id: created.id,
              starts_at: start.toISOString(),
              expires_at: end.toISOString(),
              trial: trialing,
              max_activations: seatLimit(plan, quantity),
              ...(orderId ? { order_id: orderId } : {}),
            },
            meta,
            tx,
            // Read just now, with the customer; the subscription was created above.
            { plan },
          )
        : null,
    ]);
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'subscription.created',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'subscription', id: created.id },
      ip: meta.ip,
      requestId: meta.requestId,
      data: {
        plan_id: created.plan_id,
        status: created.status,
        billing_cycle: cycle,
        quantity,
        license_id: issued?.license.id ?? null,
      },
    });
    return { ...created, issued_license: issued && { id: issued.license.id, key: issued.key } };
  });
}

/**
 * Changes a subscription's fields. A new plan or quantity moves its licenses (features, limits, policy,
 * seats = plan's × quantity; a downgrade below the seats in use is allowed and shows in the event) and,
 * unless a price is given, the price to the plan's. The status is not a field: it changes through the
 * actions, so that each change drives the licenses.
 */
export async function updateSubscription(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: UpdateSubscriptionInput,
  meta: { ip: string; requestId: string },
) {
  if (patch.status !== undefined) {
    throw new AppError(
      'INVALID_FIELD',
      'The status changes through the actions, which also change the licenses: POST /api/v1/subscriptions/{id}/renew, /past-due, /suspend, /cancel or /reactivate',
      { pointer: '/body/status' },
    );
  }
  const row = await underLock(ctx, staff(p, meta.ip, meta.requestId), id, async (tx, { sub }) => {
    const plan = patch.plan_id ? await planInAccount(tx, p.accountId, patch.plan_id) : null;
    const quantity = patch.quantity ?? sub.quantity;
    const moves = (plan !== null && plan.id !== sub.plan_id) || quantity !== sub.quantity;
    const cycle = patch.billing_cycle ?? sub.billing_cycle;
    const set: Step['set'] = { ...patch } as Step['set'];
    if (plan && patch.price_cents === undefined && (plan.id !== sub.plan_id || cycle !== sub.billing_cycle)) {
      set.price_cents = cycle === 'annual' ? plan.price_yearly_cents : plan.price_monthly_cents;
      set.currency = plan.currency;
    }
    const target = plan ?? (await planInAccount(tx, p.accountId, sub.plan_id));
    const step: Step = {
      set,
      event: moves ? 'subscription.plan_changed' : 'subscription.updated',
      data: moves
        ? {
            from_plan_id: sub.plan_id,
            to_plan_id: target.id,
            from_quantity: sub.quantity,
            to_quantity: quantity,
          }
        : { changed: Object.keys(patch) },
      ...(moves ? { effect: { kind: 'change_plan' as const, plan: target, quantity } } : {}),
    };
    const action: SubscriptionAction | null = moves ? 'change' : null;
    return { action, step };
  });
  return row!;
}

/** Cancels now (the licenses are suspended) or at the end of the period (the default: they end then). */
export function cancelSubscription(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: CancelSubscriptionInput | undefined,
  meta: { ip: string; requestId: string },
) {
  const action = (input?.at_period_end ?? true) ? 'cancel_at_period_end' : 'cancel';
  return transition(ctx, staff(p, meta.ip, meta.requestId), id, action, { reason: input?.reason });
}

/** The staff actions of the state machine beside cancel (routes: renew, past-due, suspend, reactivate). */
export function actOnSubscription(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: 'renew' | 'mark_past_due' | 'suspend' | 'reactivate',
  input: SubscriptionActionInput | undefined,
  meta: { ip: string; requestId: string },
) {
  return transition(ctx, staff(p, meta.ip, meta.requestId), id, action, { reason: input?.reason });
}
