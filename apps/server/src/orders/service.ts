import { randomUUID } from 'node:crypto';
import { authorize } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import type { CreateCustomerInput } from '../customers/schemas.js';
import { createCustomerIn } from '../customers/service.js';
import { type Queryable, sentTogether, type TxSql } from '../db/database.js';
import { existsInAccount } from '../db/patch.js';
import { recordEvent } from '../events/record.js';
import { createLicense, transitionLicense } from '../licenses/service.js';
import type { SubscriptionRow } from '../subscriptions/schemas.js';
import { createSubscription } from '../subscriptions/service.js';
import { announce, type LockedChange, renewLocked } from '../subscriptions/transitions.js';
import * as repo from './repository.js';
import type {
  CreateOrderInput,
  ListOrdersFilters,
  OrderItemInput,
  OrderItemRow,
  OrderRow,
  UpdateOrderInput,
} from './schemas.js';
import { nextOrderStatus, type OrderAction, STAMP } from './state.js';

/** Who asks, and from where: staff through the API, or (issue L) a payment provider's event. */
export interface OrderMeta {
  ip: string;
  requestId: string;
}

const MAX_CENTS = 2_000_000_000;

export function listOrders(ctx: AppContext, accountId: string, f: ListOrdersFilters) {
  return repo.listOrders(ctx.db.sql, accountId, f).then((rows) => withItems(ctx.db.sql, rows));
}

export async function getOrder(ctx: AppContext, accountId: string, id: string) {
  const order = await repo.findOrder(ctx.db.sql, accountId, id);
  if (!order) throw notFound('Order');
  return (await withItems(ctx.db.sql, [order]))[0]!;
}

async function withItems(q: Queryable, orders: OrderRow[]) {
  if (orders.length === 0) return [];
  const items = await repo.itemsOf(
    q,
    orders.map((o) => o.id),
  );
  return orders.map((o) => ({ ...o, items: items.filter((i) => i.order_id === o.id) }));
}

/**
 * Prices the lines from the account's plans: each line's unit amount is given or the plan's price for
 * its cycle (a one-time line must give it); every plan must be in the order's currency.
 */
async function priceItems(
  q: Queryable,
  accountId: string,
  items: OrderItemInput[],
  currency: string | undefined,
) {
  const plans = await repo.plansIn(
    q,
    accountId,
    items.map((i) => i.plan_id),
  );
  const byId = new Map(plans.map((p) => [p.id, p]));
  const orderCurrency = (currency ?? byId.get(items[0]!.plan_id)?.currency ?? 'usd').toLowerCase();
  const priced = items.map((item, position) => {
    const pointer = `/body/items/${position}`;
    const plan = byId.get(item.plan_id);
    if (!plan)
      throw new AppError('NOT_FOUND', 'plan_id does not name a plan of this account', {
        pointer: `${pointer}/plan_id`,
      });
    if (plan.currency.toLowerCase() !== orderCurrency)
      throw new AppError(
        'INVALID_FIELD',
        `Plan ${plan.code} is priced in ${plan.currency}, the order in ${orderCurrency}`,
        {
          pointer: `${pointer}/plan_id`,
        },
      );
    const listed =
      item.billing_cycle === 'monthly'
        ? plan.price_monthly_cents
        : item.billing_cycle === 'annual'
          ? plan.price_yearly_cents
          : undefined;
    const unit = item.unit_amount_cents ?? listed;
    if (unit === undefined)
      throw new AppError(
        'MISSING_FIELD',
        'A one-time line needs unit_amount_cents (plans list monthly and yearly prices)',
        {
          pointer: `${pointer}/unit_amount_cents`,
        },
      );
    const quantity = item.quantity ?? 1;
    const amount = unit * quantity;
    if (amount > MAX_CENTS)
      throw new AppError('INVALID_FIELD', 'A line may come to at most 2,000,000,000 minor units', {
        pointer,
      });
    return {
      position,
      plan_id: plan.id,
      billing_cycle: item.billing_cycle,
      quantity,
      unit_amount_cents: unit,
      amount_cents: amount,
      description: item.description ?? `${plan.name} (${item.billing_cycle.replace('_', '-')}) × ${quantity}`,
      requires_approval: plan.requires_approval,
    };
  });
  return { currency: orderCurrency, priced };
}

/** subtotal − discount + tax, or INVALID_FIELD when the discount is larger than the subtotal. */
function totals(subtotal: number, discount: number, tax: number) {
  if (discount > subtotal)
    throw new AppError('INVALID_FIELD', 'The discount is larger than the subtotal', {
      pointer: '/body/discount_cents',
    });
  const total = subtotal - discount + tax;
  if (total > MAX_CENTS)
    throw new AppError('INVALID_FIELD', 'The order comes to more than 2,000,000,000 minor units');
  return { subtotal_cents: subtotal, discount_cents: discount, tax_cents: tax, total_cents: total };
}

const itemRows = (priced: Awaited<ReturnType<typeof priceItems>>['priced']) =>
  priced.map(({ requires_approval: _, ...row }) => row);

function event(
  p: Principal,
  meta: OrderMeta,
  order: OrderRow,
  type: string,
  data: Record<string, unknown> = {},
) {
  return {
    accountId: order.account_id,
    type,
    actor: { type: p.actorType, id: p.actorId },
    subject: { type: 'order', id: order.id },
    ip: meta.ip,
    requestId: meta.requestId,
    data: {
      number: order.number,
      status: order.status,
      total_cents: order.total_cents,
      currency: order.currency,
      ...data,
    },
  };
}

/** A draft order for a customer, numbered and priced. */
export async function createOrder(ctx: AppContext, p: Principal, input: CreateOrderInput, meta: OrderMeta) {
  const order = await ctx.db.tx(async (tx) => {
    if (!(await existsInAccount(tx, 'customers', p.accountId, input.customer_id)))
      throw new AppError('NOT_FOUND', 'customer_id does not name a customer of this account', {
        pointer: '/body/customer_id',
      });
    return insertDraft(tx, p, meta, input);
  });
  return getOrder(ctx, p.accountId, order.id);
}

/**
 * Numbers (unless it was numbered already), prices and inserts a draft with its lines and its
 * `order.created` event.
 */
export async function insertDraft(
  tx: TxSql,
  p: Principal,
  meta: OrderMeta,
  input: CreateOrderInput,
  number?: number,
) {
  return (await insertOrderWithItems(tx, p, meta, input, number)).row;
}

/**
 * `insertDraft`, and the lines as stored; with `paid`, the order is inserted paid already (its
 * `order.approved` and `order.paid` events with it), as a draft submitted and paid would be.
 */
async function insertOrderWithItems(
  tx: TxSql,
  p: Principal,
  meta: OrderMeta,
  input: CreateOrderInput,
  number?: number,
  paid?: { provider: string; reference: string },
) {
  const { currency, priced } = await priceItems(tx, p.accountId, input.items, input.currency);
  const subtotal = priced.reduce((n, i) => n + i.amount_cents, 0);
  const order = {
    // Chosen here, so that the order and its lines go out together.
    id: randomUUID(),
    account_id: p.accountId,
    number: number ?? (await repo.nextOrderNumber(tx, p.accountId)),
    customer_id: input.customer_id,
    status: 'draft' as const,
    currency,
    ...totals(subtotal, input.discount_cents ?? 0, input.tax_cents ?? 0),
    requires_approval: paid ? false : (input.requires_approval ?? priced.some((i) => i.requires_approval)),
    notes: input.notes ?? '',
    metadata: (input.metadata ?? {}) as Record<string, unknown>,
  };
  const [row, items] = await Promise.all([
    repo.insertOrder(tx, order, paid && { at: new Date(), ...paid }),
    repo.insertItems(tx, p.accountId, order.id, itemRows(priced)),
  ]);
  const as = (status: OrderRow['status']) => ({ ...row, status });
  await recordEvent(tx, event(p, meta, as('draft'), 'order.created', { customer_id: row.customer_id }));
  if (paid) {
    await recordEvent(tx, event(p, meta, as('approved'), 'order.approved'));
    await recordEvent(tx, event(p, meta, row, 'order.paid'));
  }
  return { row, items };
}

/** Changes a draft: its lines (priced again), discount, tax, notes. */
export async function updateOrder(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: UpdateOrderInput,
  meta: OrderMeta,
) {
  await underLock(ctx, p, id, 'edit', async (tx, order) => {
    let subtotal = order.subtotal_cents;
    if (patch.items) {
      const { priced } = await priceItems(tx, p.accountId, patch.items, order.currency);
      await repo.replaceItems(tx, p.accountId, id, itemRows(priced));
      subtotal = priced.reduce((n, i) => n + i.amount_cents, 0);
    }
    const updated = await repo.updateOrder(tx, id, {
      ...totals(subtotal, patch.discount_cents ?? order.discount_cents, patch.tax_cents ?? order.tax_cents),
      notes: patch.notes,
      metadata: patch.metadata,
    });
    await recordEvent(tx, event(p, meta, updated, 'order.updated', { changed: Object.keys(patch) }));
  });
  return getOrder(ctx, p.accountId, id);
}

/** Locks the order, checks the action against the state machine, runs `fn`. */
async function underLock<T>(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: OrderAction,
  fn: (tx: TxSql, order: OrderRow) => Promise<T>,
): Promise<T> {
  return ctx.db.tx(async (tx) => {
    const order = await repo.findOrder(tx, p.accountId, id, true);
    if (!order) throw notFound('Order');
    nextOrderStatus(order.status, action, order.requires_approval);
    return fn(tx, order);
  });
}

/** Moves the order on by `action` (stamping when), with its event. */
export async function move(
  tx: TxSql,
  p: Principal,
  meta: OrderMeta,
  order: OrderRow,
  action: OrderAction,
  extra: Record<string, unknown> = {},
  data: Record<string, unknown> = {},
) {
  const status = nextOrderStatus(order.status, action, order.requires_approval);
  const row = await repo.setStatus(tx, order.id, status, STAMP[status], extra);
  const type = {
    submit: status === 'approved' ? 'order.approved' : 'order.submitted',
    approve: 'order.approved',
    pay: 'order.paid',
    fulfil: 'order.fulfilled',
    cancel: 'order.cancelled',
    refund: 'order.refunded',
    edit: 'order.updated',
  }[action];
  await recordEvent(tx, event(p, meta, row, type, data));
  return row;
}

/** Submits a draft: it waits for approval when it needs one, else it is approved at once. */
export async function submitOrder(
  ctx: AppContext,
  p: Principal,
  id: string,
  _reason: string | undefined,
  meta: OrderMeta,
) {
  await underLock(ctx, p, id, 'submit', (tx, order) => move(tx, p, meta, order, 'submit'));
  return getOrder(ctx, p.accountId, id);
}

export async function approveOrder(
  ctx: AppContext,
  p: Principal,
  id: string,
  _reason: string | undefined,
  meta: OrderMeta,
) {
  await underLock(ctx, p, id, 'approve', (tx, order) =>
    move(tx, p, meta, order, 'approve', p.actorType === 'user' ? { approved_by: p.actorId } : {}),
  );
  return getOrder(ctx, p.accountId, id);
}

/**
 * Records a payment outside any provider (an invoice paid by bank transfer) and, unless asked not to,
 * fulfils the order in the same transaction. The `order.paid` event queues the receipt email.
 */
export async function payOrder(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: { reference?: string | undefined; fulfil?: boolean | undefined },
  meta: OrderMeta,
) {
  const done = await underLock(ctx, p, id, 'pay', async (tx, order) => {
    const paid = await move(tx, p, meta, order, 'pay', {
      payment_provider: 'manual',
      payment_reference: input.reference ?? null,
    });
    return input.fulfil === false
      ? { issued: [], started: [], renewed: [] }
      : fulfilLocked(ctx, tx, p, meta, paid);
  });
  return answerFulfilled(ctx, p, id, done);
}

/**
 * Issues what a paid order sold, once: the order's row lock and its status decide it (a second call,
 * at the same time or later, finds it fulfilled and is refused), and the licenses commit with the
 * status. Recurring lines start a subscription that drives their license; one-time lines issue a license.
 */
export async function fulfilOrder(ctx: AppContext, p: Principal, id: string, meta: OrderMeta) {
  const done = await underLock(ctx, p, id, 'fulfil', (tx, order) => fulfilLocked(ctx, tx, p, meta, order));
  return answerFulfilled(ctx, p, id, done);
}

/**
 * What fulfilment did: the licenses issued (their keys shown once), the subscriptions started and the
 * subscriptions renewed.
 */
interface Fulfilled {
  issued: { id: string; key: string; item_id: string; subscription_id: string | null }[];
  started: SubscriptionRow[];
  renewed: LockedChange[];
}

/** Once the order's transaction committed: the renewed licenses announced, the order and new keys answered. */
async function answerFulfilled(ctx: AppContext, p: Principal, id: string, done: Fulfilled) {
  await Promise.all(done.renewed.map((r) => announce(ctx, p.accountId, r.licenses)));
  return { order: await getOrder(ctx, p.accountId, id), issued_licenses: done.issued };
}

async function fulfilLocked(
  ctx: AppContext,
  tx: TxSql,
  p: Principal,
  meta: OrderMeta,
  order: OrderRow,
  provider: ProviderTerms = {},
  /** The order's lines, when the caller has them (it inserted them). */
  lines?: OrderItemRow[],
): Promise<Fulfilled> {
  const items = lines ?? (await repo.itemsOf(tx, [order.id]));
  const issued: Fulfilled['issued'] = [];
  const started: Fulfilled['started'] = [];
  const renewed: Fulfilled['renewed'] = [];
  for (const item of items) {
    if (order.renews_subscription_id && item.billing_cycle !== 'one_time') {
      renewed.push(await renewItem(ctx, tx, p, meta, order.renews_subscription_id, item));
      continue;
    }
    const { license, subscription } = await issueItem(ctx, tx, p, meta, order, item, provider);
    issued.push({ ...license, item_id: item.id });
    if (subscription) started.push(subscription);
  }
  // What each line issued is written on it, sent with the order's own last write.
  await sentTogether([
    ...issued.map((line) =>
      repo.markItemFulfilled(tx, line.item_id, { subscriptionId: line.subscription_id, licenseId: line.id }),
    ),
    move(
      tx,
      p,
      meta,
      order,
      'fulfil',
      {},
      {
        license_ids: issued.map((l) => l.id),
        ...(renewed.length ? { renewed_subscription_id: order.renews_subscription_id } : {}),
      },
    ),
  ]);
  // The renewals are announced by the caller once the order's transaction commits.
  return { issued, started, renewed };
}

/** A renewal order's line: the subscription it renews moves to its next period, licenses with it. */
async function renewItem(
  ctx: AppContext,
  tx: TxSql,
  p: Principal,
  meta: OrderMeta,
  subscriptionId: string,
  item: OrderItemRow,
): Promise<LockedChange> {
  const who = { accountId: p.accountId, actor: { type: p.actorType, id: p.actorId }, ...meta };
  const done = await renewLocked(ctx, tx, who, subscriptionId);
  await repo.markItemFulfilled(tx, item.id, {
    subscriptionId,
    licenseId: done!.licenses[0]?.license_id ?? null,
  });
  return done!;
}

/**
 * What a payment provider says about the subscription a line starts: its ids there (stripe_subscription
 * …) and the period it was paid for.
 */
export interface ProviderTerms {
  external?: Record<string, string>;
  period?: { start: Date; end: Date };
}

/** Issues one line, on the provider's terms when it came through one; the caller marks the line with it. */
async function issueItem(
  ctx: AppContext,
  tx: TxSql,
  p: Principal,
  meta: OrderMeta,
  order: OrderRow,
  item: OrderItemRow,
  provider: ProviderTerms,
) {
  if (item.billing_cycle === 'one_time') {
    const plan = (await repo.plansIn(tx, p.accountId, [item.plan_id]))[0]!;
    const { license, key } = await createLicense(
      ctx,
      p,
      {
        plan_id: item.plan_id,
        customer_id: order.customer_id,
        max_activations: plan.max_activations === null ? null : plan.max_activations * item.quantity,
        order_id: order.id,
      },
      meta,
      tx,
    );
    return { license: { id: license.id, key, subscription_id: null }, subscription: null };
  }
  const subscription = await createSubscription(
    ctx,
    p,
    {
      customer_id: order.customer_id,
      plan_id: item.plan_id,
      billing_cycle: item.billing_cycle,
      quantity: item.quantity,
      price_cents: item.unit_amount_cents,
      currency: order.currency,
      metadata: { order_id: order.id, order_number: order.number },
      order_id: order.id,
      external_ids: provider.external ?? {},
      ...(provider.period
        ? {
            current_period_start: provider.period.start.toISOString(),
            current_period_end: provider.period.end.toISOString(),
          }
        : {}),
    },
    meta,
    tx,
  );
  const { issued_license: license, ...started } = subscription;
  return { license: { ...license!, subscription_id: started.id }, subscription: started };
}

export async function cancelOrder(
  ctx: AppContext,
  p: Principal,
  id: string,
  reason: string | undefined,
  meta: OrderMeta,
) {
  await underLock(ctx, p, id, 'cancel', (tx, order) =>
    move(tx, p, meta, order, 'cancel', {}, { reason: reason ?? null }),
  );
  return getOrder(ctx, p.accountId, id);
}

/** Marks the order refunded and suspends the licenses it issued (staff may reinstate one). */
export async function refundOrder(
  ctx: AppContext,
  p: Principal,
  id: string,
  reason: string | undefined,
  meta: OrderMeta,
) {
  authorize(p, 'licenses:write');
  await underLock(ctx, p, id, 'refund', (tx, order) =>
    move(tx, p, meta, order, 'refund', {}, { reason: reason ?? null }),
  );
  for (const license of await repo.licensesOfOrder(ctx.db.sql, p.accountId, id)) {
    if (license.status === 'active')
      await transitionLicense(
        ctx,
        p,
        license.id,
        'suspend',
        `order refunded${reason ? `: ${reason}` : ''}`,
        meta,
      );
  }
  return getOrder(ctx, p.accountId, id);
}

/**
 * An order paid online (a Stripe Checkout): created, paid and fulfilled in one transaction, so the
 * licenses exist exactly when the order does. `reference` (the checkout session) is the payment's;
 * `new_customer`, a buyer new here, is created in the same transaction under `customer_id`.
 * Its number is taken first, in a statement of its own: the counter's row lock is held for that
 * statement, not through the fulfilment, so checkouts do not wait for each other (B15: they ran one at
 * a time, ~80/s). A transaction that then fails leaves that number unused.
 */
export async function createPaidOrder(
  ctx: AppContext,
  p: Principal,
  input: CreateOrderInput & {
    new_customer?: CreateCustomerInput | undefined;
    provider: 'stripe';
    reference: string;
    terms: ProviderTerms;
  },
  meta: OrderMeta,
) {
  const number = await repo.nextOrderNumber(ctx.db.sql, p.accountId);
  return ctx.db.tx(async (tx) => {
    const { new_customer: buyer, ...order } = input;
    // The customer's insert goes out with the plans' read that starts the order (one connection
    // runs them in the order sent, so the customer exists when the order names it).
    const [, { row: paid, items }] = await Promise.all([
      buyer && createCustomerIn(ctx, tx, p, { ...buyer, id: input.customer_id }, meta.ip || null),
      // Paid already: nothing waits for approval.
      insertOrderWithItems(tx, p, meta, order, number, {
        provider: input.provider,
        reference: input.reference,
      }),
    ]);
    const { issued, started } = await fulfilLocked(ctx, tx, p, meta, paid, input.terms, items);
    return { order: paid, issued, started };
  });
}
