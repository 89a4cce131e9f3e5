import type { AppContext } from '../core/context.js';
import { decryptAtRest } from '../crypto/master-key.js';
import { maskKey } from '../licenses/keys.js';
import { brandingOf } from './branding.js';
import { isMailTemplate, type MailTemplate, mailEnabled } from './catalogue.js';
import { isDirectTemplate, LINK_PAGES, renderDirectMail } from './direct-templates.js';
import { renderPaymentFailedMail, renderReceiptMail } from './receipt.js';
import {
  accountSettings,
  directMailData,
  type EmailRow,
  licenseMailFacts,
  receiptFacts,
  subscriptionMailFacts,
} from './repository.js';
import {
  type Branding,
  LICENSE_TEMPLATES,
  type LicenseTemplate,
  type RenderedMail,
  renderLicenseMail,
} from './templates.js';

/** What an email says, rendered as of now, or why it is not sent (`skip`). */
export type MailMessage = (RenderedMail & { to: string; from: string }) | { skip: string };

const isLicenseTemplate = (t: string): t is LicenseTemplate =>
  (LICENSE_TEMPLATES as readonly string[]).includes(t);

const fromOf = (b: { from_name: string; from_email: string }) =>
  `"${b.from_name.replace(/"/g, '')}" <${b.from_email}>`;

/**
 * What a rendering may carry: the full key of a license issued email (sent only to the license's own
 * customer; previewed only by staff who may see keys) and a one-time sign-in link (only when sent: it
 * signs in whoever holds it, so no preview shows it).
 */
export interface Reveal {
  key: boolean;
  link: boolean;
}

/** Renders an email from what it is about, as of now. */
export async function renderEmail(ctx: AppContext, email: EmailRow, reveal: Reveal): Promise<MailMessage> {
  if (!isMailTemplate(email.template)) return { skip: `Unknown template ${email.template}` };
  if (isLicenseTemplate(email.template)) return renderLicenseEmail(ctx, email, email.template, reveal);
  if (email.template === 'order.paid') return renderReceiptEmail(ctx, email);
  if (email.template === 'subscription.past_due') return renderPaymentFailedEmail(ctx, email);
  if (isDirectTemplate(email.template)) {
    const { name, settings } = await accountSettings(ctx.db.sql, email.account_id);
    if (!mailEnabled(settings, email.template)) return { skip: 'Turned off in Settings → Email' };
    if (!email.to_address) return { skip: 'It has no recipient' };
    const data = (await directMailData(ctx.db.sql, email.id)) ?? {};
    const branding = brandingOf(name, settings, ctx.config.publicUrl);
    const dashboardUrl = `${ctx.config.publicUrl}/admin`;
    const page = LINK_PAGES[email.template as keyof typeof LINK_PAGES];
    const token =
      reveal.link && typeof data.token_enc === 'string' ? decryptAtRest(ctx.keyring, data.token_enc) : '…';
    const rendered = renderDirectMail(email.template, {
      branding,
      dashboardUrl,
      portalUrl: `${ctx.config.publicUrl}/portal`,
      link: page ? `${ctx.config.publicUrl}/${page}#token=${token}` : dashboardUrl,
      data,
    });
    return { ...rendered, to: email.to_address, from: fromOf(branding) };
  }
  return { skip: `No renderer for ${email.template}` };
}

/** What every customer email is rendered from besides its own facts. */
interface CustomerFacts {
  account_name: string;
  settings: Record<string, unknown>;
  customer_email: string | null;
}

/**
 * A customer email: skipped when what it is about is gone, the account turned it off or there is no
 * address (or `render` says why not); otherwise rendered in the account's branding.
 */
function customerMail<F extends CustomerFacts>(
  ctx: AppContext,
  template: MailTemplate,
  facts: F | undefined,
  noAddress: string,
  render: (facts: F, branding: Branding) => RenderedMail | { skip: string },
): MailMessage {
  if (!facts) return { skip: 'What it was about no longer exists' };
  if (!mailEnabled(facts.settings, template)) return { skip: 'Turned off in Settings → Email' };
  if (!facts.customer_email) return { skip: noAddress };
  const branding = brandingOf(facts.account_name, facts.settings, ctx.config.publicUrl);
  const rendered = render(facts, branding);
  return 'skip' in rendered ? rendered : { ...rendered, to: facts.customer_email, from: fromOf(branding) };
}

async function renderReceiptEmail(ctx: AppContext, email: EmailRow): Promise<MailMessage> {
  const facts = email.subject_id
    ? await receiptFacts(ctx.db.sql, email.account_id, email.subject_id)
    : undefined;
  return customerMail(ctx, 'order.paid', facts, 'The customer has no email address', (f, branding) =>
    renderReceiptMail(f, branding, `${ctx.config.publicUrl}/portal`),
  );
}

async function renderPaymentFailedEmail(ctx: AppContext, email: EmailRow): Promise<MailMessage> {
  const facts = email.subject_id
    ? await subscriptionMailFacts(ctx.db.sql, email.account_id, email.subject_id)
    : undefined;
  return customerMail(
    ctx,
    'subscription.past_due',
    facts,
    'The customer has no email address',
    (f, branding) =>
      // Paid again before it went out: nothing to warn about any more.
      f.status !== 'past_due'
        ? { skip: 'The subscription is no longer past due' }
        : renderPaymentFailedMail(f, branding, `${ctx.config.publicUrl}/portal`),
  );
}

async function renderLicenseEmail(
  ctx: AppContext,
  email: EmailRow,
  template: LicenseTemplate,
  reveal: Reveal,
): Promise<MailMessage> {
  const facts = email.subject_id
    ? await licenseMailFacts(ctx.db.sql, email.account_id, email.subject_id, email.event_id)
    : undefined;
  return customerMail(ctx, template, facts, 'The license has no customer email address', (f, branding) =>
    renderLicenseMail(template, {
      branding,
      portalUrl: `${ctx.config.publicUrl}/portal`,
      customerName: f.customer_name || 'there',
      planName: f.plan_name,
      key:
        reveal.key && template === 'license.created'
          ? decryptAtRest(ctx.keyring, f.key_enc)
          : maskKey(f.key_last4),
      expiresAt: f.expires_at,
      details: f.details ?? {},
    }),
  );
}
