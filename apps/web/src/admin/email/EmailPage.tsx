import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { Button, Card, DetailItem, ErrorState, PageHeader, Skeleton } from '../../ui';
import { useCan } from '../hooks';
import { EmailStatusBadge } from './EmailStatusBadge';
import { MessagePreview } from './MessagePreview';
import type { Email } from './types';
import { resendable, useResendEmail } from './useResendEmail';

function ResendAction({ email }: { email: Email }) {
  const { canResend, resend } = useResendEmail();
  const [busy, setBusy] = useState(false);
  if (!canResend) return null;
  return (
    <Button
      size="sm"
      variant="secondary"
      loading={busy}
      disabled={!resendable(email)}
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

function EmailSummary({ email: e }: { email: Email }) {
  return (
    <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
      <DetailItem label="Email">
        <span className="font-mono text-xs">{e.template}</span>
      </DetailItem>
      <DetailItem label="Status" testId="email-status">
        <EmailStatusBadge status={e.status} />
      </DetailItem>
      <DetailItem label="Attempts">{e.attempts}</DetailItem>
      <DetailItem label="Queued">{formatDateTime(e.created_at)}</DetailItem>
      {e.sent_at && <DetailItem label="Sent">{formatDateTime(e.sent_at)}</DetailItem>}
      {e.sent_at && <DetailItem label="Sent to">{e.to_address ?? '—'}</DetailItem>}
      {e.last_error && (
        <div className="sm:col-span-2 lg:col-span-4">
          <DetailItem label="Last error">
            <span className="break-words text-red-800">{e.last_error}</span>
          </DetailItem>
        </div>
      )}
    </dl>
  );
}

/** One email of the log: where it stands, and what it says rendered as it would be sent now; resend. */
export function EmailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const canSeeKeys = useCan('licenses:write');
  const email = useQuery({
    queryKey: ['/api/v1/emails', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/emails/{id}', { params: { path: { id } }, signal })),
    refetchInterval: (q) => (q.state.data?.email.status === 'pending' ? 2_000 : false),
  });
  const d = email.data;

  if (email.isError)
    return (
      <Card>
        <ErrorState
          error={email.error}
          onRetry={() => void email.refetch()}
          title="Could not load this email"
        />
      </Card>
    );

  return (
    <>
      <PageHeader
        title="Email"
        description={
          <Link to="/settings" className="text-brand-700 hover:underline">
            ← Settings
          </Link>
        }
        actions={d && <ResendAction email={d.email} />}
      />
      <div className="flex flex-col gap-6">
        <Card title="Delivery">
          {d ? <EmailSummary email={d.email} /> : <Skeleton className="h-16 w-full" />}
        </Card>
        <Card title="Preview" description="As it would be sent now, in your current branding.">
          {!d ? (
            <Skeleton className="h-96 w-full" />
          ) : d.preview ? (
            <div className="flex flex-col gap-4">
              {!canSeeKeys && d.email.template === 'license.created' && (
                <p role="note" className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700">
                  The license key is masked: your role may not see license keys. The customer gets it in full.
                </p>
              )}
              <MessagePreview message={d.preview} />
            </div>
          ) : (
            <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              <span className="font-medium">It would not be sent now.</span> {d.not_sent_because}.
            </p>
          )}
        </Card>
      </div>
    </>
  );
}
