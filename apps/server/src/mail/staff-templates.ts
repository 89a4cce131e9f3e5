import { type Branding, type MailBody, type RenderedMail, renderLayout } from './templates.js';

/** What a staff email is rendered from: its own data (queued with it) and the account's branding. */
export interface StaffMailContext {
  branding: Branding;
  dashboardUrl: string;
  /** The one-time link (a placeholder in previews: the link signs whoever holds it in). */
  link: string;
  data: Record<string, unknown>;
}

const STAFF_TEMPLATES = ['staff.invitation', 'staff.password_reset', 'webhook_endpoint.disabled'] as const;
export type StaffTemplate = (typeof STAFF_TEMPLATES)[number];
export const isStaffTemplate = (t: string): t is StaffTemplate =>
  (STAFF_TEMPLATES as readonly string[]).includes(t);

const when = (iso: unknown) =>
  new Date(String(iso)).toLocaleString('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }) + ' UTC';

const BODIES: Record<StaffTemplate, (c: StaffMailContext) => MailBody> = {
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
};

/** Renders an email to staff (one-time links, notices to owners) in the account's branding. */
export function renderStaffMail(template: StaffTemplate, c: StaffMailContext): RenderedMail {
  return renderLayout(c.branding, BODIES[template](c));
}

/** Where each one-time link leads (the token in the fragment: it never reaches a server log). */
export const LINK_PAGES = {
  'staff.invitation': 'accept-invitation',
  'staff.password_reset': 'reset-password',
} as const;
