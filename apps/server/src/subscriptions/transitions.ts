import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { sentTogether, type TxSql } from '../db/database.js';
import { updateRow } from '../db/patch.js';
import { type Actor, recordEvent } from '../events/record.js';
import { publishLicenseChanged } from '../licenses/publish.js';
import type { PlanRow } from '../plans/schemas.js';
import { driveLicenses, type LicenseEffect } from './licenses.js';
import { addCycle, addDays, nextPeriod } from './periods.js';
import {
  changesHistory,
  findSubscription,
  planOfSubscription,
  recordSubscriptionChange,
} from './repository.js';
import type { SubscriptionRow } from './schemas.js';
import { nextSubscriptionStatus, type SubscriptionAction } from './state.js';

/** Who asks for a change, and from where: a staff principal, or the system (the lifecycle pass). */
export interface Who {
  accountId: string;
  actor: Actor;
  ip?: string | null;
  requestId?: string | null;
}

/** What an action does, decided from the locked row: the columns it sets, its licenses, its event. */
export interface Step {
  set: Partial<SubscriptionRow>;
  effect?: LicenseEffect;
  event: string;
  data?: Record<string, unknown>;
}

export interface Facts {
  sub: SubscriptionRow;
  plan: PlanRow;
  now: Date;
}

/** A staff-given reason, kept in the event. */
export interface ActionInput {
  reason?: string | undefined;
  /** The period a payment provider says was paid (renew), instead of the next cycle. */
  period?: { start: Date; end: Date } | undefined;
}

const STEPS: Record<Exclude<SubscriptionAction, 'change'>, (f: Facts, input: ActionInput) => Step> = {
  // A period was paid (or an auto-renewing plan extends itself): a trial converts from now.
  renew: ({ sub, plan, now }, input) => {
    const period =
      input.period ??
      (sub.status === 'trialing'
        ? { start: now, end: addCycle(now, sub.billing_cycle) }
        : nextPeriod(sub, now));
    return {
      set: { current_period_start: period.start, current_period_end: period.end, dunning_ends_at: null },
      effect: { kind: 'extend', until: period.end, plan },
      event: sub.status === 'trialing' ? 'subscription.trial_converted' : 'subscription.renewed',
      data: { period_start: period.start, period_end: period.end },
    };
  },
  // A payment failed: the licenses keep working for the plan's dunning window.
  mark_past_due: ({ plan, now }) => {
    const until = addDays(now, plan.dunning_days);
    return {
      set: { dunning_ends_at: until },
      effect: { kind: 'hold_until', until },
      event: 'subscription.past_due',
      data: { dunning_ends_at: until },
    };
  },
  suspend: (_f, input) => ({
    set: {},
    effect: { kind: 'suspend', reason: 'subscription_suspended' },
    event: 'subscription.suspended',
    data: { reason: input.reason ?? null },
  }),
  cancel: ({ now }, input) => ({
    set: { cancel_at_period_end: false, canceled_at: now, ended_at: now, dunning_ends_at: null },
    effect: { kind: 'suspend', reason: 'subscription_canceled' },
    event: 'subscription.canceled',
    data: { at_period_end: false, reason: input.reason ?? null },
  }),
  cancel_at_period_end: ({ sub, now }, input) => {
    if (sub.cancel_at_period_end) {
      throw new AppError(
        'INVALID_STATE_TRANSITION',
        'The subscription is already set to cancel at the end of its period',
        {
          status: sub.status,
          cancel_at_period_end: true,
        },
      );
    }
    return {
      set: { cancel_at_period_end: true, canceled_at: now },
      event: 'subscription.canceled',
      data: { at_period_end: true, ends_at: sub.current_period_end, reason: input.reason ?? null },
    };
  },
  // Undoes a pending cancellation, or brings an ended or suspended subscription back (a new period
  // from now when the old one is over).
  reactivate: ({ sub, plan, now }) => {
    if (sub.status === 'active' && !sub.cancel_at_period_end) {
      throw new AppError(
        'INVALID_STATE_TRANSITION',
        'The subscription is active and not set to cancel: nothing to reactivate',
        {
          status: sub.status,
        },
      );
    }
    const clear = { cancel_at_period_end: false, canceled_at: null, ended_at: null, dunning_ends_at: null };
    if (sub.status === 'active') return { set: clear, event: 'subscription.reactivated' };
    if (sub.current_period_end && sub.current_period_end > now) {
      return { set: clear, effect: { kind: 'reinstate' }, event: 'subscription.reactivated' };
    }
    const end = addCycle(now, sub.billing_cycle);
    return {
      set: { ...clear, current_period_start: now, current_period_end: end },
      effect: { kind: 'extend', until: end, plan },
      event: 'subscription.reactivated',
      data: { period_start: now, period_end: end },
    };
  },
  expire: ({ sub, now }) => ({
    set: { ended_at: now, dunning_ends_at: null },
    effect: { kind: 'expire' },
    event: sub.status === 'trialing' ? 'subscription.trial_ended' : 'subscription.expired',
  }),
};

/**
 * What time makes due for a subscription, as of `now`: a trial that ended expires (a paid one was
 * converted by `renew`); a period that ended expires when a cancellation waits for it, renews when the
 * plan auto-renews, else falls past due; a dunning window that ended suspends (or expires, if canceled).
 */
export function dueAction(
  sub: SubscriptionRow,
  plan: PlanRow,
  now: Date,
): Exclude<SubscriptionAction, 'change'> | null {
  if (sub.status === 'trialing' && sub.trial_ends_at && sub.trial_ends_at <= now) return 'expire';
  if (sub.status === 'active' && sub.current_period_end && sub.current_period_end <= now) {
    if (sub.cancel_at_period_end) return 'expire';
    return plan.auto_renew ? 'renew' : 'mark_past_due';
  }
  if (sub.status === 'past_due' && sub.dunning_ends_at && sub.dunning_ends_at <= now)
    return sub.cancel_at_period_end ? 'expire' : 'suspend';
  return null;
}

/** What a locked change did: the subscription as it is now and the licenses it changed (to announce). */
export interface LockedChange {
  row: SubscriptionRow;
  licenses: { license_id: string; event: string }[];
}

/**
 * A change under the subscription's lock, in the caller's transaction: the subscription row, the licenses
 * it changed, its event. The caller announces the licenses' change once the transaction commits
 * (`announce`), so no process reloads a license before it is written.
 */
export async function changeLocked(
  ctx: AppContext,
  tx: TxSql,
  who: Who,
  id: string,
  change: (tx: TxSql, f: Facts) => Promise<{ action: SubscriptionAction | null; step: Step } | null>,
): Promise<LockedChange | null> {
  // Sent together, run in turn: the plan is read once the row is locked (one round trip, not two).
  const [sub, plan] = await Promise.all([
    findSubscription(tx, who.accountId, id, true),
    planOfSubscription(tx, who.accountId, id),
  ]);
  if (!sub || !plan) throw notFound('Subscription');
  const now = ctx.clock.now();
  const decided = await change(tx, { sub, plan, now });
  if (!decided) return null;
  // No action: a change of fields that leaves the status as it is (metadata, price).
  const status = decided.action ? nextSubscriptionStatus(sub.status, decided.action) : sub.status;
  const { step } = decided;
  // The row's update, its history (the columns it keeps are known before the update answers; none to
  // write when the change keeps them all, as a renewal does) and the licenses' lock go out together, run
  // in turn; a failure of any fails the transaction.
  const after = { ...sub, ...step.set, status };
  const [updated, , licenses] = await sentTogether([
    updateRow<SubscriptionRow>(tx, 'subscriptions', who.accountId, id, { ...step.set, status }, []),
    changesHistory(sub, after) ? recordSubscriptionChange(tx, after, now) : null,
    step.effect ? driveLicenses({ tx, subscriptionId: id, ...who }, step.effect) : [],
  ]);
  const row = updated!;
  await recordEvent(tx, {
    accountId: who.accountId,
    type: step.event,
    actor: who.actor,
    subject: { type: 'subscription', id },
    ip: who.ip ?? null,
    requestId: who.requestId ?? null,
    data: { from_status: sub.status, to_status: status, ...step.data, licenses_changed: licenses.length },
  });
  return { row, licenses };
}

/**
 * Tells every process (caches, WebSocket clients) about the licenses a committed change touched: all
 * published in the same turn, so the bus sends them in one notification statement, not one each.
 */
export async function announce(ctx: AppContext, accountId: string, changes: LockedChange['licenses']) {
  await Promise.all(changes.map((change) => publishLicenseChanged(ctx, accountId, change)));
}

/** A change under the subscription's lock in a transaction of its own, announced once committed. */
export async function underLock(
  ctx: AppContext,
  who: Who,
  id: string,
  change: (tx: TxSql, f: Facts) => Promise<{ action: SubscriptionAction | null; step: Step } | null>,
): Promise<SubscriptionRow | null> {
  const done = await ctx.db.tx((tx) => changeLocked(ctx, tx, who, id, change));
  if (!done) return null;
  await announce(ctx, who.accountId, done.licenses);
  return done.row;
}

/** Renews the subscription for its next period in the caller's transaction (a paid renewal order). */
export function renewLocked(ctx: AppContext, tx: TxSql, who: Who, id: string) {
  return changeLocked(ctx, tx, who, id, async (_tx, f) => {
    nextSubscriptionStatus(f.sub.status, 'renew');
    return { action: 'renew', step: STEPS.renew(f, {}) };
  });
}

/** Runs one of the state machine's actions on a subscription (409 when its status does not allow it). */
export async function transition(
  ctx: AppContext,
  who: Who,
  id: string,
  action: Exclude<SubscriptionAction, 'change'>,
  input: ActionInput = {},
): Promise<SubscriptionRow> {
  const row = await underLock(ctx, who, id, async (_tx, f) => {
    nextSubscriptionStatus(f.sub.status, action);
    return { action, step: STEPS[action](f, input) };
  });
  return row!;
}

/** Runs what time made due for the subscription, if anything still is once it is locked. */
export function transitionDue(ctx: AppContext, who: Who, id: string) {
  return underLock(ctx, who, id, async (_tx, f) => {
    const action = dueAction(f.sub, f.plan, f.now);
    return action ? { action, step: STEPS[action](f, {}) } : null;
  });
}

/** Picks an action from the locked row (or none). */
export type Decide = (f: Facts) => [Exclude<SubscriptionAction, 'change'>, ActionInput] | null;

const picking = (decide: Decide) => async (_tx: TxSql, f: Facts) => {
  const picked = decide(f);
  if (!picked) return null;
  const [action, input] = picked;
  nextSubscriptionStatus(f.sub.status, action);
  return { action, step: STEPS[action](f, input) };
};

/**
 * Runs the action `decide` picks from the locked row, if any: a change whose need is judged under the
 * lock (a provider's event applied by two processes at once moves the subscription once).
 */
export function transitionIf(ctx: AppContext, who: Who, id: string, decide: Decide) {
  return underLock(ctx, who, id, picking(decide));
}

/** `transitionIf` in the caller's transaction; the caller announces the change once it commits. */
export function transitionIfLocked(ctx: AppContext, tx: TxSql, who: Who, id: string, decide: Decide) {
  return changeLocked(ctx, tx, who, id, picking(decide));
}
