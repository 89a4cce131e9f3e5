import { findActivation } from '../activations/repository.js';
import { deactivateActivation } from '../activations/service.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { decryptAtRest } from '../crypto/master-key.js';
import type { CustomerPrincipal } from '../customer-sessions/service.js';
import type { QuotaCounters } from '../entitlements/quota-counters.js';
import { licenseStatus } from '../entitlements/status.js';
import { licenseTiming } from '../licenses/evaluate.js';
import { findLicense, type LicenseWithPlan, licensesOfCustomer } from '../licenses/repository.js';
import { receiptPage } from '../mail/service.js';
import type { ListOrdersFilters } from '../orders/schemas.js';
import { getOrder, listOrders } from '../orders/service.js';
import { listActiveDevices } from './repository.js';

/**
 * The signed-in customer's own account in the portal (issue L): their licenses with keys, devices,
 * usage, orders and receipts. Every read is scoped by the session's account and customer, so another
 * customer's id is a 404 like an id that does not exist.
 */

/** One license as its owner sees it: the key, where it stands, and the days a trial has left. */
function presentOwnLicense(
  ctx: AppContext,
  l: LicenseWithPlan & { product_name?: string | null; active_seats?: number },
) {
  const now = ctx.clock.now();
  const timing = licenseTiming(l, now);
  return {
    id: l.id,
    key: decryptAtRest(ctx.keyring, l.key_enc),
    key_last4: l.key_last4,
    product_name: l.product_name ?? null,
    plan_code: l.plan_code,
    plan_name: l.plan_name,
    license_type: l.license_type,
    status: timing.status,
    status_reason: l.status_reason,
    starts_at: l.starts_at,
    expires_at: l.expires_at,
    days_remaining: timing.days_remaining,
    is_in_grace_period: timing.in_grace_period,
    grace_ends_at: timing.grace_ends_at,
    trial: trialBanner(l, now),
    seats_used: l.active_seats ?? null,
    max_activations: l.max_activations,
    subscription_id: l.subscription_id,
  };
}

/**
 * The banner of seed 004: a trial still running and the whole days it has left, or one that has not
 * started yet (its term starts on first use) with the days it will have.
 */
function trialBanner(l: LicenseWithPlan, now: Date) {
  const DAY = 86_400_000;
  if (l.trial_ends_at && l.trial_ends_at > now)
    return {
      ends_at: l.trial_ends_at,
      days_left: Math.floor((l.trial_ends_at.getTime() - now.getTime()) / DAY),
    };
  const isTrial = l.license_type === 'trial' || l.license_type === 'evaluation';
  if (isTrial && !l.expires_at && l.term_days) return { ends_at: null, days_left: l.term_days };
  return null;
}

export async function myLicenses(ctx: AppContext, c: CustomerPrincipal) {
  const rows = await licensesOfCustomer(ctx.db.sql, c.account_id, c.customer_id);
  return { data: rows.map((l) => presentOwnLicense(ctx, l)) };
}

async function ownLicense(ctx: AppContext, c: CustomerPrincipal, id: string) {
  const license = await findLicense(ctx.db.sql, c.account_id, id);
  if (license?.customer_id !== c.customer_id) throw notFound('License');
  return license;
}

/** One of my licenses in full: features, limits, usage against them, alerts and devices. */
export async function myLicense(ctx: AppContext, quotas: QuotaCounters, c: CustomerPrincipal, id: string) {
  const license = await ownLicense(ctx, c, id);
  const [status, devices] = await Promise.all([
    licenseStatus(ctx, quotas, license),
    listActiveDevices(ctx.db.sql, c.account_id, license.id),
  ]);
  return {
    ...presentOwnLicense(ctx, { ...license, active_seats: devices.length }),
    features: license.features,
    limits: license.limits,
    usage: status.usage,
    alerts: status.alerts,
    devices,
  };
}

/** Frees one device of my license (another license's device is a 404, as if it did not exist). */
export async function freeMyDevice(
  ctx: AppContext,
  c: CustomerPrincipal,
  licenseId: string,
  activationId: string,
  meta: { ip: string; requestId: string },
) {
  const license = await ownLicense(ctx, c, licenseId);
  const seat = await findActivation(ctx.db.sql, c.account_id, activationId);
  if (seat?.license_id !== license.id) throw notFound('Device');
  if (seat.status !== 'active')
    throw new AppError('ACTIVATION_NOT_FOUND', 'This device is no longer active on the license');
  const row = await deactivateActivation(ctx, c.account_id, activationId, {
    actor: { type: 'customer', id: c.customer_id },
    reason: 'deactivated_in_portal',
    ip: meta.ip,
    requestId: meta.requestId,
  });
  return { activation_id: row.id, status: row.status };
}

/** My orders, newest first (drafts are the vendor's work in progress and stay out of sight). */
export async function myOrders(ctx: AppContext, c: CustomerPrincipal) {
  const filters: ListOrdersFilters = { customer_id: c.customer_id, limit: 100, offset: 0 };
  const orders = await listOrders(ctx, c.account_id, filters);
  return {
    data: orders
      .filter((o) => o.status !== 'draft')
      .map((o) => ({
        id: o.id,
        number: o.number,
        status: o.status,
        currency: o.currency,
        total_cents: o.total_cents,
        created_at: o.created_at,
        paid_at: o.paid_at,
        has_receipt: o.paid_at !== null,
        items: o.items.map((i) => ({
          description: i.description,
          quantity: i.quantity,
          amount_cents: i.amount_cents,
        })),
      })),
  };
}

/** The receipt page of one of my paid orders. */
export async function myReceipt(ctx: AppContext, c: CustomerPrincipal, orderId: string) {
  const order = await getOrder(ctx, c.account_id, orderId);
  if (order.customer_id !== c.customer_id || order.status === 'draft') throw notFound('Order');
  return receiptPage(ctx, c.account_id, orderId);
}
