import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Button, type Column, NameCell, statusOptions } from '../../ui';
import { ListView } from '../components/ListView';
import { useLocalListState } from '../components/useListState';
import { EmailStatusBadge } from './EmailStatusBadge';
import { EMAIL_STATUSES, type Email } from './types';
import { resendable, useResendEmail } from './useResendEmail';

/** While an email shown is on its way the log refreshes this often. */
const REFRESH_MS = 2_000;

const muted = (text: string) => <span className="text-zinc-400">{text}</span>;

function ResendButton({ email }: { email: Email }) {
  const { canResend, resend } = useResendEmail();
  const [busy, setBusy] = useState(false);
  if (!canResend || !resendable(email)) return null;
  return (
    <Button
      size="sm"
      variant="secondary"
      loading={busy}
      aria-label={`Resend ${email.template}${email.to_address ? ` to ${email.to_address}` : ''}`}
      onClick={async () => {
        setBusy(true);
        await resend(email);
        setBusy(false);
      }}
    >
      Resend
    </Button>
  );
}

const columns: Column<Email>[] = [
  {
    id: 'email',
    header: 'Email',
    className: 'max-w-56',
    cell: (e) => (
      <NameCell
        name={
          <Link
            to="/settings/emails/$id"
            params={{ id: e.id }}
            className="font-mono text-xs text-brand-700 hover:underline"
            aria-label={`Preview ${e.template}`}
          >
            {e.template}
          </Link>
        }
        sub={
          <span className="block truncate" title={e.subject ?? undefined}>
            {e.subject ?? 'No subject until it is sent'}
          </span>
        }
      />
    ),
  },
  { id: 'to', header: 'Recipient', cell: (e) => e.to_address ?? muted('—') },
  {
    id: 'status',
    header: 'Status · last error',
    cell: (e) => (
      <span className="text-xs">
        <EmailStatusBadge status={e.status} />
        {e.last_error && (
          <span className="mt-1 block max-w-60 truncate text-red-800" title={e.last_error}>
            {e.last_error}
          </span>
        )}
      </span>
    ),
  },
  { id: 'attempts', header: 'Attempts', align: 'right', className: 'tabular', cell: (e) => e.attempts },
  {
    id: 'when',
    header: 'Time',
    secondary: true,
    cell: (e) => (
      <time dateTime={e.created_at} title={formatDateTime(e.created_at)}>
        {formatRelative(e.created_at)}
      </time>
    ),
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    align: 'right',
    cell: (e) => <ResendButton email={e} />,
  },
];

/** The email log and outbox, newest first, filtered by status; refreshes while an email is on its way. */
export function EmailLog() {
  const state = useLocalListState();
  return (
    <ListView<Email>
      endpoint="/api/v1/emails"
      caption="Email log"
      columns={columns}
      state={state}
      statusOptions={statusOptions(EMAIL_STATUSES)}
      refreshEvery={(rows) => (rows.some((e) => e.status === 'pending') ? REFRESH_MS : false)}
      empty={{
        title: 'No emails yet',
        description: 'Emails to your customers (a new license key, a license about to end …) appear here.',
      }}
    />
  );
}
