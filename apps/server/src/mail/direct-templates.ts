import { type Branding, type MailBody, type RenderedMail, renderLayout } from './templates.js';

/**
 * Emails queued directly with their own data rather than by an event: one-time links (staff invitations
 * and password resets, customers' portal sign-in) and notices to owners.
 */
export interface DirectMailContext {
  branding: Branding;
  dashboardUrl: string;
  /** The customer portal, where customers' emails lead. */
  portalUrl: string;
  /** The one-time link (a placeholder in previews: the link signs whoever holds it in). */
  link: string;
  data: Record<string, unknown>;
}

const DIRECT_TEMPLATES = [
  'staff.invitation',
  'staff.password_reset',
  'customer.sign_in',
  'webhook_endpoint.disabled',
  'compliance.customer_notified',
] as const;
export type DirectTemplate = (typeof DIRECT_TEMPLATES)[number];
export const isDirectTemplate = (t: string): t is DirectTemplate =>
  (DIRECT_TEMPLATES as readonly string[]).includes(t);

const when = (iso: unknown) =>
  `${new Date(String(iso)).toLocaleString('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  })} UTC`;

const BODIES: Record<DirectTemplate, (c: DirectMailContext) => MailBody> = {
  'staff.invitation': (c) => ({
    subject: `You are invited to the ${c.branding.product_name} dashboard`,
    greeting: 'Hello,',
    paragraphs: [
      `${String(c.data.inviter ?? 'A colleague')} invited you to manage ${c.branding.product_name}'s licenses as ${String(c.data.role)}.`,
      `Choose your password with this link; it works once, until ${when(c.data.expires_at)}:`,
      c.link,
      'If you did not expect this invitation, ignore this email.',
    ],
    action: { label: 'Accept the invitation', url: c.link },
  }),
  'staff.password_reset': (c) => ({
    subject: `Reset your ${c.branding.product_name} dashboard password`,
    greeting: 'Hello,',
    paragraphs: [
      'Someone (we hope you) asked to reset the password of your dashboard account.',
      `Choose a new password with this link; it works once, until ${when(c.data.expires_at)}:`,
      c.link,
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ],
    action: { label: 'Reset your password', url: c.link },
  }),
  'customer.sign_in': (c) => ({
    subject: `Sign in to your ${c.branding.product_name} account`,
    greeting: 'Hello,',
    paragraphs: [
      `Use this link to sign in to your ${c.branding.product_name} account: your licenses, devices and orders.`,
      `It works once, until ${when(c.data.expires_at)}:`,
      c.link,
      'If you did not ask to sign in, ignore this email: nobody can sign in without this link.',
    ],
    action: { label: 'Sign in', url: c.link },
  }),
  'webhook_endpoint.disabled': (c) => ({
    subject: `A ${c.branding.product_name} webhook endpoint was disabled`,
    greeting: 'Hello,',
    paragraphs: [
      `Keyward stopped sending events to ${String(c.data.url)}: ${String(c.data.reason)}.`,
      'Events are not delivered to it until it is enabled again. Fix the receiver, then enable the endpoint in Settings → Webhooks; you can resend the deliveries it missed from its delivery log.',
    ],
    action: {
      label: 'Open the endpoint',
      url: `${c.dashboardUrl}/settings/webhooks/${String(c.data.endpoint_id)}`,
    },
  }),
  'compliance.customer_notified': (c) => ({
    subject: `About your ${c.branding.product_name} license`,
    greeting: 'Hello,',
    paragraphs: [
      `While reviewing how your ${c.branding.product_name} license${c.data.key_last4 ? ` (key ending ${String(c.data.key_last4)})` : ''} is used, we found this: ${String(c.data.summary)}.`,
      c.data.message
        ? String(c.data.message)
        : `Please get in touch${c.branding.support_email ? ` at ${c.branding.support_email}` : ''} so we can sort it out together.`,
      'You can see your licenses and the devices using them in your account.',
    ],
    action: { label: 'Open your account', url: c.portalUrl },
  }),
};

/** Renders a direct email (one-time links, notices to owners) in the account's branding. */
export function renderDirectMail(template: DirectTemplate, c: DirectMailContext): RenderedMail {
  return renderLayout(c.branding, BODIES[template](c));
}

/** Where each one-time link leads (the token in the fragment: it never reaches a server log). */
export const LINK_PAGES = {
  'staff.invitation': 'admin/accept-invitation',
  'staff.password_reset': 'admin/reset-password',
  'customer.sign_in': 'portal/sign-in',
} as const;
