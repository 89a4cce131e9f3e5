import { useQuery } from '@tanstack/react-query';
import { requestJson } from '../../api/client';
import type { Page } from '../../api/resources';
import type { Email } from './types';

/** Whether any email is held in the outbox (the server has no SMTP_URL). */
function useHeldMail() {
  return useQuery({
    queryKey: ['/api/v1/emails', 'outbox'],
    queryFn: ({ signal }) =>
      requestJson<Page<Email>>('/api/v1/emails', {
        query: { status: 'outbox', limit: 1, offset: 0 },
        signal,
      }),
    select: (page) => page.data.length > 0,
  });
}

/** Says why emails are held and how to send them, while any is held. */
export function OutboxNotice() {
  const held = useHeldMail();
  if (!held.data) return null;
  return (
    <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <span className="font-medium">Emails are held in the outbox.</span> No SMTP server is configured: set{' '}
      <code className="font-mono text-xs">SMTP_URL</code> (
      <code className="font-mono text-xs">smtp://user:pass@host:587</code>) and restart Keyward; held mail can
      then be sent with Resend.
    </p>
  );
}
