import type { components } from '../../api/schema';

type Schemas = components['schemas'];

/** One email of the log: queued by an event (license.created …) or a staff email. */
export type Email = Schemas['Email'];
/** An email with its message rendered as it would be sent now (null: why it would not be sent). */
export type EmailPreview = Schemas['EmailPreview'];
/** How the account's emails present it; every field filled in (defaults for what is not set). */
export type Branding = Schemas['Branding'];
export type EmailStatus = Email['status'];

export const EMAIL_STATUSES: readonly EmailStatus[] = ['pending', 'sent', 'failed', 'outbox', 'skipped'];
/** Whether the account sends one kind of email, its default, and whether it may be turned off. */
export type MailSetting = Schemas['MailSetting'];
