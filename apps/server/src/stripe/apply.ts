import type Stripe from 'stripe';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { findByPaymentReference } from '../orders/repository.js';
import { createPaidOrder } from '../orders/service.js';
import { updateSubscription } from '../subscriptions/service.js';
import { customerFor } from './customers.js';
import type { Outcome } from './outcome.js';
import { suspendForReview } from './refunds.js';
import { planForPrice, type StripeSubscriptionRow } from './repository.js';
import { type Mover, periodOf, stepsToward } from './subscription-moves.js';

const META = { ip: '', requestId: '' };

/** Keyward acting on Stripe's word, with the account's full rights; events name Stripe as the actor. */
const stripePrincipal = (accountId: string): Principal => ({
  accountId,
  role: 'owner',
  actorType: 'system',
  actorId: 'stripe',
});

/**
 * How the applier reaches Keyward's subscriptions: reads and moves gathered across the events applied
 * at the same time (one statement for the reads, one transaction for the moves).
 */
export interface Applying {
  mover: Mover;
  subscriptionOf: (accountId: string, stripeId: string) => Promise<StripeSubscriptionRow | undefined>;
}

const SUBSCRIPTION_EVENTS: readonly string[] = [
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
];

/**
 * Applies one recorded event. Stripe sends events more than once and in any order, so an event is only
 * a cue: what is applied is the current state of the object it is about, fetched from Stripe, compared
 * with Keyward's. Applying the same cue twice, or cues out of order, ends in the same state.
 */
export async function applyStripeEvent(
  ctx: AppContext,
  stripe: Stripe,
  row: { account_id: string | null; type: string; payload: Stripe.Event },
  /** How subscriptions are read and moved (batched by the applier across events applied together). */
  via: Applying,
): Promise<Outcome> {
  if (!row.account_id)
    return {
      status: 'needs_attention',
      note: 'The account its metadata.keyward_account_id names is not on this server',
    };
  const p = stripePrincipal(row.account_id);
  const object = row.payload.data.object as unknown as Record<string, unknown>;
  if (row.type === 'checkout.session.completed')
    return provisionCheckout(ctx, stripe, p, object as unknown as Stripe.Checkout.Session, via);
  if (row.type === 'charge.refunded' || row.type === 'charge.dispute.created') {
    const refund = row.type === 'charge.refunded';
    // A partial refund keeps what was sold; a full one, or any dispute, suspends it for review.
    if (refund && object.refunded !== true) return { status: 'ignored', note: 'A partial refund' };
    return suspendForReview(ctx, p, {
      kind: refund ? 'refunded' : 'disputed',
      chargeId: String(refund ? object.id : object.charge),
      paymentIntent: idOf(object.payment_intent as string | null) || null,
      customer: idOf(object.customer as string | null) || null,
    });
  }
  if (SUBSCRIPTION_EVENTS.includes(row.type)) {
    const id = subscriptionIdOf(object, row.type);
    return id
      ? syncSubscription(ctx, stripe, p, id, via)
      : { status: 'ignored', note: 'Not about a subscription' };
  }
  return { status: 'ignored', note: `Keyward does not act on ${row.type}` };
}

function subscriptionIdOf(object: Record<string, unknown>, type: string): string | null {
  if (type.startsWith('customer.subscription.')) return object.id as string;
  // An invoice names its subscription at the top (older API versions) or under parent (2025 and later).
  const parent = object.parent as { subscription_details?: { subscription?: string } } | null | undefined;
  const id = object.subscription ?? parent?.subscription_details?.subscription;
  return typeof id === 'string' ? id : ((id as { id?: string } | null)?.id ?? null);
}

/**
 * A completed Checkout: an order — created, paid and fulfilled in one transaction, once per checkout
 * session, with its customer when Keyward had none — whose subscription or license carries Stripe's
 * ids. Then the subscription is brought to Stripe's current state (its period, status) when the one
 * just started differs from it.
 */
async function provisionCheckout(
  ctx: AppContext,
  stripe: Stripe,
  p: Principal,
  session: Stripe.Checkout.Session,
  via: Applying,
): Promise<Outcome> {
  const customerId = idOf(session.customer);
  const subscribed =
    session.mode === 'subscription' && session.subscription ? idOf(session.subscription) : null;
  // Asked together: whether this session was provisioned, who bought, and Stripe's subscription with
  // the plan its price maps to.
  const remote = subscribed ? stripe.subscriptions.retrieve(subscribed) : null;
  const [done, customer, plan] = await Promise.all([
    findByPaymentReference(ctx.db.sql, p.accountId, 'stripe', session.id),
    customerId
      ? customerFor(ctx, p, stripe, customerId, {
          keywardCustomerId: session.metadata?.keyward_customer_id,
          email: session.customer_details?.email,
          name: session.customer_details?.name,
        })
      : null,
    remote?.then((r) => planForPrice(ctx.db.sql, p.accountId, r.items.data[0]!.price.id)),
  ]);
  if (done)
    return subscribed
      ? syncSubscription(ctx, stripe, p, subscribed, via, await remote!)
      : { status: 'applied' };
  if (!customer) return { status: 'needs_attention', note: 'The checkout session has no customer' };
  const buyer = { customer_id: customer.id, new_customer: customer.create };
  const totals = {
    // What a refund or dispute names: the payment of this checkout.
    metadata: session.payment_intent ? { stripe_payment_intent: idOf(session.payment_intent) } : {},
    discount_cents: session.total_details?.amount_discount ?? 0,
    tax_cents: session.total_details?.amount_tax ?? 0,
    ...(session.currency ? { currency: session.currency } : {}),
  };
  if (remote) {
    const subscription = await remote;
    const item = subscription.items.data[0]!;
    if (!plan)
      return { status: 'needs_attention', note: `No plan is mapped to Stripe price ${item.price.id}` };
    const { started } = await createPaidOrder(
      ctx,
      p,
      {
        ...buyer,
        items: [
          {
            plan_id: plan.id,
            billing_cycle: plan.cycle,
            quantity: item.quantity ?? 1,
            unit_amount_cents: item.price.unit_amount ?? 0,
          },
        ],
        ...totals,
        provider: 'stripe',
        reference: session.id,
        terms: {
          external: { stripe_subscription: subscription.id, stripe_customer: customerId },
          period: periodOf(subscription),
        },
      },
      META,
    );
    // Started from Stripe's period a moment ago: most checkouts have nothing left to bring over.
    return started.every((s) => stepsToward(subscription, s).length === 0)
      ? { status: 'applied' }
      : syncSubscription(ctx, stripe, p, subscription.id, via, subscription);
  }
  const planId = session.metadata?.keyward_plan_id;
  if (!planId)
    return { status: 'needs_attention', note: 'A one-time checkout needs metadata.keyward_plan_id' };
  await createPaidOrder(
    ctx,
    p,
    {
      ...buyer,
      items: [
        { plan_id: planId, billing_cycle: 'one_time', unit_amount_cents: session.amount_subtotal ?? 0 },
      ],
      ...totals,
      provider: 'stripe',
      reference: session.id,
      terms: {},
    },
    META,
  );
  return { status: 'applied' };
}

const idOf = (ref: string | { id: string } | null | undefined) =>
  typeof ref === 'string' ? ref : (ref?.id ?? '');

/**
 * Brings Keyward's subscription to Stripe's current one: plan and quantity, then the status — a newer
 * paid period renews (and reinstates), past due starts the dunning window, unpaid suspends, canceled
 * ends it, cancel-at-period-end is set or undone. A subscription Keyward has not provisioned yet (its
 * checkout event is still on its way) is retried later.
 */
export async function syncSubscription(
  ctx: AppContext,
  stripe: Stripe,
  p: Principal,
  stripeId: string,
  via: Applying,
  fetched?: Stripe.Subscription,
): Promise<Outcome> {
  // Stripe is asked while Keyward's row is read (an event that came before its checkout asks in vain).
  const [local, remote] = await Promise.all([
    via.subscriptionOf(p.accountId, stripeId),
    fetched ?? stripe.subscriptions.retrieve(stripeId),
  ]);
  if (!local) return { status: 'retry', note: 'Waiting for its checkout.session.completed' };
  const item = remote.items.data[0];
  let changed = false;
  if (item) {
    // Most events keep the plan's own price (a renewal): no lookup then.
    const priceId = item.price.id;
    const plan =
      priceId === local.plan_stripe_monthly
        ? { id: local.plan_id, cycle: 'monthly' as const }
        : priceId === local.plan_stripe_annual
          ? { id: local.plan_id, cycle: 'annual' as const }
          : await planForPrice(ctx.db.sql, p.accountId, priceId);
    if (!plan) return { status: 'needs_attention', note: `No plan is mapped to Stripe price ${priceId}` };
    const quantity = item.quantity ?? 1;
    changed = plan.id !== local.plan_id || quantity !== local.quantity || plan.cycle !== local.billing_cycle;
    if (changed)
      await updateSubscription(
        ctx,
        p,
        local.id,
        { plan_id: plan.id, quantity, billing_cycle: plan.cycle, price_cents: item.price.unit_amount ?? 0 },
        META,
      );
  }
  // None (and no lock taken) when the row read just now already agrees with Stripe: a duplicate cue
  // costs a read.
  const current = changed ? (await via.subscriptionOf(p.accountId, stripeId))! : local;
  const done =
    stepsToward(remote, current).length === 0 ? [] : await via.mover(p.accountId, local.id, remote);
  return { status: 'applied', ...(done.length ? { note: done.join(', ') } : {}) };
}
