import { can } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { announceWork } from '../db/work-notices.js';
import { recordEvent } from '../events/record.js';
import { brandingOf, type UpdateBrandingInput } from './branding.js';
import { isMailTemplate, MAIL_CATALOGUE, mailSettingsOf } from './catalogue.js';
import { renderReceiptPage } from './receipt.js';
import { renderEmail } from './render.js';
import * as repo from './repository.js';
import type { ListEmailsFilters } from './schemas.js';

export function listEmails(ctx: AppContext, accountId: string, f: ListEmailsFilters) {
  return repo.listEmails(ctx.db.sql, accountId, f);
}

/**
 * An email and what it says as of now (or why it is not sent); the license key only for staff who may
 * see keys, a one-time sign-in link for no one.
 */
export async function previewEmail(ctx: AppContext, p: Principal, id: string) {
  const email = await repo.findEmail(ctx.db.sql, p.accountId, id);
  if (!email) throw notFound('Email');
  const message = await renderEmail(ctx, email, { key: can(p.role, 'licenses:write'), link: false });
  return 'skip' in message
    ? { email, preview: null, not_sent_because: message.skip }
    : { email, preview: message, not_sent_because: null };
}

/** Sends an email again now (from the outbox once SMTP is set up, or after it failed). */
export async function resendEmail(ctx: AppContext, p: Principal, id: string) {
  if (!(await repo.requeueEmail(ctx.db.sql, p.accountId, id))) throw notFound('Email');
  // An update, which the table's trigger does not announce (migration 0038): the senders hear it here.
  await announceWork(ctx.db.sql, 'emails');
}

export async function getBranding(ctx: AppContext, accountId: string) {
  const account = await repo.accountSettings(ctx.db.sql, accountId);
  return brandingOf(account.name, account.settings, ctx.config.publicUrl);
}

/** Sets the account's branding; null puts a field back to its default. */
export async function updateBranding(ctx: AppContext, p: Principal, patch: UpdateBrandingInput, ip: string) {
  await ctx.db.tx(async (tx) => {
    const { settings } = await repo.accountSettings(tx, p.accountId, true);
    const current = (settings.branding ?? {}) as Record<string, unknown>;
    const next = Object.fromEntries(
      Object.entries({ ...current, ...patch }).filter(([, v]) => v !== null && v !== undefined),
    );
    await repo.setAccountSetting(tx, p.accountId, 'branding', next);
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'account.branding_updated',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'account', id: p.accountId },
      ip,
      data: { changed: Object.keys(patch) },
    });
  });
  return getBranding(ctx, p.accountId);
}

/** Which emails the account sends (each template on or off, with its default). */
export async function getMailSettings(ctx: AppContext, accountId: string) {
  const { settings } = await repo.accountSettings(ctx.db.sql, accountId);
  return { data: mailSettingsOf(settings) };
}

/** Turns emails on or off; null puts one back to its default. Sign-in emails cannot be turned off. */
export async function updateMailSettings(
  ctx: AppContext,
  p: Principal,
  templates: Record<string, boolean | null>,
  ip: string,
) {
  for (const [template, on] of Object.entries(templates)) {
    const pointer = `/body/templates/${template}`;
    if (!isMailTemplate(template))
      throw new AppError('INVALID_FIELD', `There is no email "${template}"`, {
        pointer,
        allowed: Object.keys(MAIL_CATALOGUE),
      });
    if ((MAIL_CATALOGUE[template] as { required?: true }).required && on === false)
      throw new AppError('INVALID_FIELD', `${template} cannot be turned off: staff need it to sign in`, {
        pointer,
      });
  }
  await ctx.db.tx(async (tx) => {
    const { settings } = await repo.accountSettings(tx, p.accountId, true);
    const next = { ...((settings.emails ?? {}) as Record<string, boolean>) };
    for (const [template, on] of Object.entries(templates)) {
      if (on === null) delete next[template];
      else next[template] = on;
    }
    await repo.setAccountSetting(tx, p.accountId, 'emails', next);
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'account.email_settings_updated',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'account', id: p.accountId },
      ip,
      data: { templates },
    });
  });
  return getMailSettings(ctx, p.accountId);
}

/** The receipt page of a paid (or refunded) order, in the account's branding. */
export async function receiptPage(ctx: AppContext, accountId: string, orderId: string) {
  const facts = await repo.receiptFacts(ctx.db.sql, accountId, orderId);
  if (!facts) throw notFound('Order');
  if (!facts.order.paid_at)
    throw new AppError(
      'INVALID_STATE_TRANSITION',
      `Order #${facts.order.number} is ${facts.order.status}: a receipt exists once it is paid`,
      {
        status: facts.order.status,
      },
    );
  return renderReceiptPage(facts, brandingOf(facts.account_name, facts.settings, ctx.config.publicUrl));
}
