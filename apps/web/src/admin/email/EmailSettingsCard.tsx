import { Card, cx, ErrorState, Skeleton } from '../../ui';
import { useCan } from '../hooks';
import type { MailSetting } from './types';
import { useEmailSettings } from './useEmailSettings';

const AUDIENCES: readonly [MailSetting['audience'], string][] = [
  ['customer', 'To your customers'],
  ['owners', 'To the account’s owners'],
  ['staff', 'To your staff'],
];

/** A checkbox that looks like a switch (role="switch": screen readers say on and off). */
function Switch({
  setting: s,
  disabled,
  onChange,
}: {
  setting: MailSetting;
  disabled: boolean;
  onChange: (enabled: boolean) => void;
}) {
  const id = `email-setting-${s.template}`;
  return (
    <li className="flex items-start justify-between gap-4 py-3">
      <label htmlFor={id} className="flex min-w-0 flex-col">
        <span className="text-sm text-zinc-900">{s.description}</span>
        <span className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
          <span className="font-mono">{s.template}</span>
          {s.required ? (
            <span>· needed to sign in</span>
          ) : (
            s.enabled === s.default_enabled && <span>· default</span>
          )}
        </span>
      </label>
      <input
        id={id}
        type="checkbox"
        role="switch"
        aria-checked={s.enabled}
        checked={s.enabled}
        disabled={disabled || s.required}
        onChange={(e) => onChange(e.target.checked)}
        className={cx(
          'relative mt-0.5 h-5 w-9 shrink-0 cursor-pointer appearance-none rounded-full bg-zinc-300 transition-colors',
          'before:absolute before:top-0.5 before:left-0.5 before:size-4 before:rounded-full before:bg-white before:shadow-sm before:transition-transform',
          'checked:bg-brand-600 checked:before:translate-x-4',
          'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600',
          'disabled:cursor-not-allowed disabled:opacity-50',
        )}
      />
    </li>
  );
}

/** The emails the account sends, by who gets them, each with its switch; owners and admins change them. */
export function EmailSettingsCard() {
  const { settings, saving, toggle } = useEmailSettings();
  const canWrite = useCan('account:write');
  const rows = settings.data?.data;
  return (
    <Card
      aria-label="Which emails are sent"
      title="Which emails are sent"
      description={
        canWrite
          ? 'Turn off what you send yourselves. Sign-in emails always go.'
          : 'Owners and admins can turn emails on and off. Sign-in emails always go.'
      }
    >
      {settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : !rows ? (
        <Skeleton className="h-48 w-full" />
      ) : (
        <div className="grid gap-x-8 gap-y-4 lg:grid-cols-2">
          {AUDIENCES.map(([audience, title]) => {
            const group = rows.filter((s) => s.audience === audience);
            if (group.length === 0) return null;
            return (
              <section
                key={audience}
                aria-labelledby={`email-audience-${audience}`}
                className={cx(audience === 'customer' && 'lg:row-span-2')}
              >
                <h3 id={`email-audience-${audience}`} className="text-sm font-medium text-zinc-700">
                  {title}
                </h3>
                <ul className="divide-y divide-zinc-100">
                  {group.map((s) => (
                    <Switch
                      key={s.template}
                      setting={s}
                      disabled={!canWrite || saving !== null}
                      onChange={(enabled) => void toggle(s, enabled)}
                    />
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      )}
    </Card>
  );
}
