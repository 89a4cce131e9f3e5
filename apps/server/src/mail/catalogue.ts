/**
 * Every email Keyward sends: who it goes to, what it is for, and whether the account may turn it off
 * (Settings → Email). Sign-in emails (invitation, password reset, portal sign-in) cannot be turned off.
 */
export const MAIL_CATALOGUE = {
  'license.created': { audience: 'customer', on: true, description: 'License issued, with its key' },
  'license.expiring': { audience: 'customer', on: true, description: '30, 7 and 1 days before expiry' },
  'license.trial_ending': { audience: 'customer', on: true, description: '3 and 1 days before a trial ends' },
  'license.expired': { audience: 'customer', on: true, description: 'License expired' },
  'license.trial_ended': { audience: 'customer', on: true, description: 'Trial ended' },
  'license.suspended': { audience: 'customer', on: true, description: 'License suspended' },
  'license.reinstated': { audience: 'customer', on: true, description: 'License works again' },
  'license.renewed': { audience: 'customer', on: true, description: 'License renewed' },
  'activation.created': {
    audience: 'customer',
    on: false,
    description: 'A new device took a seat of their license (off by default)',
  },
  'subscription.past_due': {
    audience: 'customer',
    on: true,
    description: 'A payment failed: the licenses keep working until the dunning window ends',
  },
  'order.paid': { audience: 'customer', on: true, description: 'Receipt of a paid order' },
  'compliance.customer_notified': {
    audience: 'customer',
    on: true,
    description: 'A compliance notice staff send from a violation (Compliance → notify the customer)',
  },
  'webhook_endpoint.disabled': {
    audience: 'owners',
    on: true,
    description: 'A webhook endpoint was disabled after failures or 410 Gone',
  },
  'staff.invitation': {
    audience: 'staff',
    on: true,
    required: true,
    description: 'Invitation to the dashboard',
  },
  'staff.password_reset': { audience: 'staff', on: true, required: true, description: 'Password reset link' },
  'customer.sign_in': {
    audience: 'customer',
    on: true,
    required: true,
    description: 'Portal sign-in link',
  },
} as const satisfies Record<
  string,
  { audience: 'customer' | 'staff' | 'owners'; on: boolean; required?: true; description: string }
>;

export type MailTemplate = keyof typeof MAIL_CATALOGUE;

export const isMailTemplate = (t: string): t is MailTemplate => Object.hasOwn(MAIL_CATALOGUE, t);

/** Whether the account sends this email: its own choice (settings.emails) or the catalogue's default. */
export function mailEnabled(settings: Record<string, unknown>, template: MailTemplate): boolean {
  const entry: { on: boolean; required?: true } = MAIL_CATALOGUE[template];
  if (entry.required) return true;
  const chosen = (settings.emails as Record<string, unknown> | undefined)?.[template];
  return typeof chosen === 'boolean' ? chosen : entry.on;
}

/** The account's email settings, one row per template, as the API shows them. */
export function mailSettingsOf(settings: Record<string, unknown>) {
  return (Object.keys(MAIL_CATALOGUE) as MailTemplate[]).map((template) => {
    const entry: { audience: string; on: boolean; required?: true; description: string } =
      MAIL_CATALOGUE[template];
    return {
      template,
      audience: entry.audience,
      description: entry.description,
      enabled: mailEnabled(settings, template),
      default_enabled: entry.on,
      required: Boolean(entry.required),
    };
  });
}
