import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { existsInAccount, insertRow } from '../db/patch.js';
import { updateAudited } from '../events/audited-rows.js';
import { recordEvent } from '../events/record.js';
import { findPlan } from '../plans/repository.js';
import * as repo from './repository.js';
import type {
  CancelSubscriptionInput,
  CreateSubscriptionInput,
  ListSubscriptionsFilters,
  SubscriptionRow,
  UpdateSubscriptionInput,
} from './schemas.js';

const JSON_COLUMNS = ['external_ids', 'metadata'];

/** A body field that names an id of another account (or of nothing). */
function notInAccount(field: string) {
  return new AppError('NOT_FOUND', `${field} does not name a record of this account`, {
    pointer: `/body/${field}`,
  });
}

async function planInAccount(ctx: AppContext, accountId: string, planId: string) {
  const plan = await findPlan(ctx.db.sql, accountId, planId);
  if (!plan) throw notInAccount('plan_id');
  return plan;
}

function subscriptionEvent(
  p: Principal,
  type: string,
  id: string,
  ip: string,
  data: Record<string, unknown>,
) {
  return {
    accountId: p.accountId,
    type,
    actor: { type: p.actorType, id: p.actorId },
    subject: { type: 'subscription', id },
    ip,
    data,
  };
}

/** The first period ends one calendar month or year after it starts. */
function periodEnd(start: Date, cycle: 'monthly' | 'annual'): Date {
  const end = new Date(start);
  if (cycle === 'annual') end.setUTCFullYear(end.getUTCFullYear() + 1);
  else end.setUTCMonth(end.getUTCMonth() + 1);
  return end;
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

/** Manual billing: price and currency default to the plan's for the cycle, the period to one cycle from its start. */
export async function createSubscription(
  ctx: AppContext,
  p: Principal,
  input: CreateSubscriptionInput,
  ip: string,
) {
  if (!(await existsInAccount(ctx.db.sql, 'customers', p.accountId, input.customer_id)))
    throw notInAccount('customer_id');
  const plan = await planInAccount(ctx, p.accountId, input.plan_id);
  const cycle = input.billing_cycle ?? 'monthly';
  const start = input.current_period_start ? new Date(input.current_period_start) : ctx.clock.now();
  const values = {
    price_cents: cycle === 'annual' ? plan.price_yearly_cents : plan.price_monthly_cents,
    currency: plan.currency,
    current_period_end: periodEnd(start, cycle),
    ...input,
    billing_cycle: cycle,
    current_period_start: start,
  };
  return ctx.db.tx(async (tx) => {
    const created = await insertRow<SubscriptionRow>(tx, 'subscriptions', p.accountId, values, JSON_COLUMNS);
    await recordEvent(
      tx,
      subscriptionEvent(p, 'subscription.created', created.id, ip, {
        plan_id: created.plan_id,
        billing_cycle: cycle,
      }),
    );
    return created;
  });
}

export async function updateSubscription(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: UpdateSubscriptionInput,
  ip: string,
) {
  if (patch.plan_id) await planInAccount(ctx, p.accountId, patch.plan_id);
  return updateAudited<SubscriptionRow>(
    ctx,
    p,
    {
      table: 'subscriptions',
      event: 'subscription.updated',
      jsonColumns: JSON_COLUMNS,
      ip,
      what: 'Subscription',
    },
    id,
    patch,
  );
}

/** Cancels at the end of the period (the default: the status stays until then) or now. */
export function cancelSubscription(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: CancelSubscriptionInput | undefined,
  ip: string,
) {
  const atPeriodEnd = input?.at_period_end ?? true;
  return ctx.db.tx(async (tx) => {
    const current = await repo.findSubscription(tx, p.accountId, id, true);
    if (!current) throw notFound('Subscription');
    if (current.status === 'canceled' || current.status === 'expired') {
      throw new AppError('INVALID_STATE_TRANSITION', `The subscription is already ${current.status}`, {
        status: current.status,
      });
    }
    const row = await repo.setCancellation(tx, p.accountId, current.id, {
      atPeriodEnd,
      canceledAt: ctx.clock.now(),
      status: atPeriodEnd ? current.status : 'canceled',
    });
    await recordEvent(
      tx,
      subscriptionEvent(p, 'subscription.canceled', current.id, ip, { at_period_end: atPeriodEnd }),
    );
    return row!;
  });
}
