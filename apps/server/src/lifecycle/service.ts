import type { AppContext } from '../core/context.js';
import { backgroundPacer } from '../core/pacer.js';
import { recordEvents } from '../events/record.js';
import { publishLicenseChanged } from '../licenses/publish.js';
import { orderDueRenewals } from '../orders/renewals.js';
import { runSubscriptionPass, type SubscriptionPassSummary } from '../subscriptions/due.js';
import {
  type DueLicense,
  expireLicenses,
  licensesInNoticeWindow,
  type Notice,
  type NoticeCursor,
  PASS_BATCH,
  takeDueNotices,
} from './repository.js';

const DAY = 86_400_000;
const SYSTEM = { type: 'system' } as const;

/** What one lifecycle pass did. */
export interface LifecycleSummary {
  expired: number;
  notices: number;
  subscriptions: SubscriptionPassSummary;
  /** Renewal orders made for manually billed subscriptions whose period ended unpaid. */
  renewal_orders: number;
}

/** The event of a notice, as the log, the bus and (issue K) email and webhooks know it. */
const NOTICE_EVENTS: Record<Notice['kind'], string> = {
  expiring: 'license.expiring',
  trial_ending: 'license.trial_ending',
  grace_started: 'license.grace_started',
};

/**
 * The time-driven part of a license's life, as of the clock's now: subscriptions whose trial, period or
 * dunning window ended move on (subscriptions/due.ts) — one billed by hand that fell past due gets a
 * renewal order (orders/renewals.ts) —, then licenses whose grace has ended are
 * expired (`license.expired`, or `license.trial_ended` for trials and evaluations), and the notices that
 * fell due are given once each (`license.expiring` 30/7/1 days before the end, `license.trial_ending`
 * 3/1 days before, `license.grace_started`). Each change commits with its event; every process hears
 * it on the bus. Safe to run again, and from several processes at once. `accountId`: that account only.
 */
export async function runLifecyclePass(
  ctx: AppContext,
  accountId: string | null = null,
): Promise<LifecycleSummary> {
  // Subscriptions first: a renewal or a dunning window moves their licenses' expiry before it is read.
  const subscriptions = await runSubscriptionPass(ctx, accountId);
  // Those that fell past due unpaid, billed by hand: an order for the next period.
  const renewalOrders = await orderDueRenewals(ctx, accountId);
  const now = ctx.clock.now();
  const pacer = backgroundPacer();
  const summary: LifecycleSummary = { expired: 0, notices: 0, subscriptions, renewal_orders: renewalOrders };
  for (;;) {
    const expired = await pacer.run(() =>
      ctx.db.tx(async (tx) => {
        const rows = await expireLicenses(tx, now, accountId);
        await recordEvents(tx, rows.map(expiryEvent));
        return rows;
      }),
    );
    summary.expired += expired.length;
    for (const l of expired)
      await publishLicenseChanged(ctx, l.account_id, { license_id: l.id, event: 'license.expired' });
    if (expired.length < PASS_BATCH) break;
  }
  let after: NoticeCursor | null = null;
  for (;;) {
    const window = await licensesInNoticeWindow(ctx.db.sql, now, accountId, after);
    if (window.length === 0) break;
    const notices = await pacer.run(() =>
      ctx.db.tx(async (tx) => {
        const rows = await takeDueNotices(
          tx,
          now,
          window.map((l) => l.id),
        );
        await recordEvents(
          tx,
          rows.map((n) => noticeEvent(n, now)),
        );
        return rows;
      }),
    );
    summary.notices += notices.length;
    if (window.length < PASS_BATCH) break;
    after = window[window.length - 1]!;
  }
  return summary;
}

function expiryEvent(l: DueLicense) {
  const trial = l.license_type === 'trial' || l.license_type === 'evaluation';
  return {
    accountId: l.account_id,
    type: trial ? 'license.trial_ended' : 'license.expired',
    actor: SYSTEM,
    subject: { type: 'license', id: l.id },
    data: {
      from_status: 'active',
      to_status: 'expired',
      expires_at: l.expires_at.toISOString(),
      grace_ended_at: new Date(l.expires_at.getTime() + l.grace_period_days * DAY).toISOString(),
    },
  };
}

function noticeEvent(n: Notice, now: Date) {
  return {
    accountId: n.account_id,
    type: NOTICE_EVENTS[n.kind],
    actor: SYSTEM,
    subject: { type: 'license', id: n.license_id },
    data: {
      ...(n.kind === 'grace_started' ? {} : { days_before: n.days }),
      ends_at: n.term_ends_at.toISOString(),
      days_left: Math.max(0, Math.floor((n.term_ends_at.getTime() - now.getTime()) / DAY)),
    },
  };
}
