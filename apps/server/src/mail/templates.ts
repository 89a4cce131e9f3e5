/** How an account presents itself in its emails (Settings → Branding). */
export interface Branding {
  product_name: string;
  from_name: string;
  from_email: string;
  support_email: string | null;
  logo_url: string | null;
}

/** What a license email is rendered from: the event, the license and its customer, as of sending. */
export interface LicenseMailContext {
  branding: Branding;
  portalUrl: string;
  customerName: string;
  planName: string;
  /** The full key (license issued, to the license's own customer) or its masked form. */
  key: string;
  expiresAt: Date | null;
  /** The event's own data (days_before, reason …). */
  details: Record<string, unknown>;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The license emails, by the event type that queues them. */
export const LICENSE_TEMPLATES = [
  'license.created',
  'license.expiring',
  'license.trial_ending',
  'license.expired',
  'license.trial_ended',
  'license.suspended',
  'license.reinstated',
  'license.renewed',
  'activation.created',
] as const;
export type LicenseTemplate = (typeof LICENSE_TEMPLATES)[number];

/** A day as every email writes it: 4 December 2026 (UTC). */
export const longDate = (d: Date) =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

const date = (d: Date | null) => (d ? longDate(d) : 'no end date');

/** Each template: a subject, and the paragraphs of its body (plain text; the HTML is made from them). */
const TEMPLATES: Record<
  LicenseTemplate,
  (c: LicenseMailContext) => { subject: string; paragraphs: string[] }
> = {
  'license.created': (c) => ({
    subject: `Your ${c.branding.product_name} license key`,
    paragraphs: [
      `Here is your license key for ${c.branding.product_name} (${c.planName}):`,
      `KEY:${c.key}`,
      c.expiresAt ? `It is valid until ${date(c.expiresAt)}.` : 'It does not expire.',
      'Enter it in the app to activate it. Keep it private: anyone with the key can use your seats.',
    ],
  }),
  'license.expiring': (c) => ({
    subject: `Your ${c.branding.product_name} license ends in ${plural(Number(c.details.days_before ?? 0), 'day')}`,
    paragraphs: [
      `Your ${c.branding.product_name} license (${c.planName}, key ${c.key}) ends on ${date(c.expiresAt)}.`,
      'Renew it before then to keep working without interruption.',
    ],
  }),
  'license.trial_ending': (c) => ({
    subject: `Your ${c.branding.product_name} trial ends in ${plural(Number(c.details.days_before ?? 0), 'day')}`,
    paragraphs: [
      `Your trial of ${c.branding.product_name} ends on ${date(c.expiresAt)}.`,
      'Choose a plan before then to keep your work and settings.',
    ],
  }),
  'license.expired': (c) => ({
    subject: `Your ${c.branding.product_name} license has expired`,
    paragraphs: [
      `Your ${c.branding.product_name} license (${c.planName}, key ${c.key}) has expired.`,
      'Renew it to start using the app again.',
    ],
  }),
  'license.trial_ended': (c) => ({
    subject: `Your ${c.branding.product_name} trial has ended`,
    paragraphs: [`Your trial of ${c.branding.product_name} has ended.`, 'Choose a plan to keep using it.'],
  }),
  'license.suspended': (c) => ({
    subject: `Your ${c.branding.product_name} license is suspended`,
    paragraphs: [
      `Your ${c.branding.product_name} license (key ${c.key}) has been suspended and cannot be used for now.`,
      'Contact us to resolve it; once it is, the license works again on the same devices.',
    ],
  }),
  'license.reinstated': (c) => ({
    subject: `Your ${c.branding.product_name} license works again`,
    paragraphs: [
      `Your ${c.branding.product_name} license (key ${c.key}) has been reinstated. No action is needed.`,
    ],
  }),
  'license.renewed': (c) => ({
    subject: `Your ${c.branding.product_name} license is renewed`,
    paragraphs: [
      `Your ${c.branding.product_name} license (${c.planName}, key ${c.key}) has been renewed.`,
      c.expiresAt ? `It is now valid until ${date(c.expiresAt)}.` : 'It does not expire.',
    ],
  }),
  'activation.created': (c) => ({
    subject: `A new device is using your ${c.branding.product_name} license`,
    paragraphs: [
      `A device${c.details.name ? ` named "${String(c.details.name)}"` : ''}${c.details.platform ? ` (${String(c.details.platform)})` : ''} has just been activated with your ${c.branding.product_name} license (key ${c.key}).`,
      'If this was you, there is nothing to do. If not, deactivate it from your licenses page and contact us: someone else may have your key.',
    ],
  }),
};

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

/** Renders a license email in plain text and HTML, in the account's branding. */
export function renderLicenseMail(template: LicenseTemplate, c: LicenseMailContext): RenderedMail {
  const { subject, paragraphs } = TEMPLATES[template](c);
  return renderLayout(c.branding, {
    subject,
    greeting: `Hello ${c.customerName},`,
    paragraphs,
    action: { label: 'See your licenses', url: c.portalUrl },
  });
}

/** What goes in the common layout: paragraphs (`KEY:` marks a key block), one call to action. */
export interface MailBody {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action: { label: string; url: string };
}

/** The one layout of every email, plain text and HTML, in the account's branding. */
export function renderLayout(branding: Branding, body: MailBody): RenderedMail {
  const { subject, greeting, paragraphs, action } = body;
  const footer = [
    `${action.label}: ${action.url}`,
    ...(branding.support_email ? [`Questions? ${branding.support_email}`] : []),
    `— ${branding.product_name}`,
  ];
  const plain = (p: string) => (p.startsWith('KEY:') ? `    ${p.slice(4)}` : p);
  const text = [greeting, ...paragraphs.map(plain), ...footer].join('\n\n');
  const para = (p: string) =>
    p.startsWith('KEY:')
      ? `<p style="font:600 18px/1.4 ui-monospace,Menlo,monospace;letter-spacing:1px;background:#f4f4f5;padding:12px 16px;border-radius:6px">${escapeHtml(p.slice(4))}</p>`
      : `<p>${escapeHtml(p)}</p>`;
  const logo = branding.logo_url
    ? `<img src="${escapeHtml(branding.logo_url)}" alt="${escapeHtml(branding.product_name)}" style="max-height:40px"><br>`
    : `<strong>${escapeHtml(branding.product_name)}</strong>`;
  const html = `<!doctype html><html><body style="font:15px/1.5 system-ui,sans-serif;color:#18181b;max-width:560px;margin:0 auto;padding:24px">
${logo}
<p>${escapeHtml(greeting)}</p>
${paragraphs.map(para).join('\n')}
<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>
<p style="color:#71717a;font-size:13px">${branding.support_email ? `Questions? <a href="mailto:${escapeHtml(branding.support_email)}">${escapeHtml(branding.support_email)}</a><br>` : ''}— ${escapeHtml(branding.product_name)}</p>
</body></html>`;
  return { subject, text, html };
}
