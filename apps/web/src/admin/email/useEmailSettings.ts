import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { describeError } from '../../api/errors';
import { useToast } from '../../ui';
import type { MailSetting } from './types';

export const emailSettingsQuery = {
  queryKey: ['/api/v1/account/email-settings'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    unwrap(api.GET('/api/v1/account/email-settings', { signal })),
};

/**
 * Which emails the account sends, and the switch of one: turning an email back to what it is by
 * default sends null, so it follows the default from then on. Toasts either way.
 */
export function useEmailSettings() {
  const settings = useQuery(emailSettingsQuery);
  const client = useQueryClient();
  const toast = useToast();
  const [saving, setSaving] = useState<string | null>(null);

  const toggle = async (setting: MailSetting, enabled: boolean) => {
    setSaving(setting.template);
    try {
      const saved = await unwrap(
        api.PATCH('/api/v1/account/email-settings', {
          body: { templates: { [setting.template]: enabled === setting.default_enabled ? null : enabled } },
        }),
      );
      client.setQueryData(emailSettingsQuery.queryKey, saved);
      toast({
        tone: 'success',
        title: enabled ? 'Email turned on' : 'Email turned off',
        description: setting.description,
      });
    } catch (error) {
      toast({ tone: 'error', title: 'Could not save', description: describeError(error), duration: 0 });
    } finally {
      setSaving(null);
    }
  };

  return { settings, saving, toggle };
}
