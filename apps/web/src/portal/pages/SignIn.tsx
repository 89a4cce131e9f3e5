import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { publicApi, unwrap } from '../../api/client';
import { describeError, toApiError } from '../../api/errors';
import { useLinkToken } from '../../lib/linkToken';
import { Button, Input } from '../../ui';
import { usePortalNavigate } from '../links';
import { portalSession } from '../session';

/**
 * Customers sign in with a one-time link: they give their email, the link arrives by email and opens this
 * page with `#token=…`, which is traded for a session at once.
 */
export function SignInPage() {
  const token = useLinkToken();
  return (
    <section className="mx-auto max-w-md px-4 py-14 sm:px-6 sm:py-20">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">Sign in to your account</h1>
      {token ? <TradeLink token={token} /> : <AskForLink />}
    </section>
  );
}

function TradeLink({ token }: { token: string }) {
  const navigate = usePortalNavigate();
  const asked = useRef(false);
  const trade = useMutation({
    mutationFn: () => unwrap(publicApi.POST('/api/v1/portal/sign-in/confirm', { body: { token } })),
    onSuccess: (session) => {
      portalSession.start(session);
      void navigate('/account');
    },
  });
  useEffect(() => {
    // Once: the link works once, and development renders effects twice.
    if (asked.current) return;
    asked.current = true;
    trade.mutate();
  }, [trade]);
  if (trade.isError) {
    const e = toApiError(trade.error);
    return (
      <div className="mt-6 flex flex-col gap-4">
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          {e.code === 'LINK_INVALID'
            ? 'This sign-in link has expired or was already used. Ask for a new one below.'
            : describeError(e)}
        </p>
        <AskForLink />
      </div>
    );
  }
  return <p className="mt-6 text-sm text-zinc-600">Signing you in…</p>;
}

function AskForLink() {
  const [email, setEmail] = useState('');
  const account = new URLSearchParams(window.location.search).get('account') ?? undefined;
  const ask = useMutation({
    mutationFn: () =>
      unwrap(
        publicApi.POST('/api/v1/portal/sign-in', {
          body: { email: email.trim(), ...(account ? { account } : {}) },
        }),
      ),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    ask.mutate();
  };
  if (ask.isSuccess)
    return (
      <p role="status" className="mt-6 rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
        {ask.data.message} Open it in this browser.
      </p>
    );
  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-4">
      <p className="text-sm text-zinc-600">
        Enter the email you bought with. We send you a link that signs you in; no password needed.
      </p>
      <Input
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      {ask.isError && (
        <p role="alert" className="text-sm text-red-700">
          {describeError(toApiError(ask.error))}
        </p>
      )}
      <Button type="submit" loading={ask.isPending}>
        Email me a sign-in link
      </Button>
    </form>
  );
}
