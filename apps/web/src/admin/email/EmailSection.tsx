import { BrandingCard } from './BrandingCard';
import { EmailLog } from './EmailLog';
import { EmailSettingsCard } from './EmailSettingsCard';
import { OutboxNotice } from './OutboxNotice';

/**
 * The Settings section of email: the log and outbox (each email previewed and resent), which emails are
 * sent, and branding.
 */
export function EmailSection() {
  return (
    <section aria-labelledby="settings-email" className="flex flex-col gap-3">
      <div>
        <h2 id="settings-email" className="text-base font-semibold text-zinc-900">
          Email
        </h2>
        <p className="text-sm text-zinc-500">
          What Keyward sends your customers, and how it presents you. Open an email to see it as it would be
          sent now.
        </p>
      </div>
      <OutboxNotice />
      <EmailLog />
      <EmailSettingsCard />
      <BrandingCard />
    </section>
  );
}
