import { can } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import { brandingOf, type UpdateBrandingInput } from './branding.js';
import * as repo from './repository.js';
import type { ListEmailsFilters } from './schemas.js';
import { renderEmail } from './sender.js';

export function listEmails(ctx: AppContext, accountId: string, f: ListEmailsFilters) {
  return repo.listEmails(ctx.db.sql, accountId, f);
}

/** An email and what it says as of now; the license key only for staff who may see keys. */
export async function previewEmail(ctx: AppContext, p: Principal, id: string) {
  const email = await repo.findEmail(ctx.db.sql, p.accountId, id);
  if (!email) throw notFound('Email');
  return { email, preview: await renderEmail(ctx, email, can(p.role, 'licenses:write')) };
}

/** Sends an email again now (from the outbox once SMTP is set up, or after it failed). */
export async function resendEmail(ctx: AppContext, p: Principal, id: string) {
  if (!(await repo.requeueEmail(ctx.db.sql, p.accountId, id))) throw notFound('Email');
}

export async function getBranding(ctx: AppContext, accountId: string) {
  const account = await repo.accountSettings(ctx.db.sql, accountId);
  return brandingOf(account.name, account.settings, ctx.config.publicUrl);
}

/** Sets the account's branding; null puts a field back to its default. */
export async function updateBranding(ctx: AppContext, p: Principal, patch: UpdateBrandingInput, ip: string) {
  await ctx.db.tx(async (tx) => {
    const { settings } = await repo.accountSettings(tx, p.accountId);
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
