import { useQueryClient } from '@tanstack/react-query';
import { Link, useRouter } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../../api/errors';
import { Button, FormError, Input } from '../../ui';
import { acceptInvitation, useSession } from '../auth';
import { AuthFrame, authCardClass, authLinkClass } from '../components/AuthFrame';
import { InvalidLink, LinkCheckFailed, LinkChecking } from '../components/LinkStates';
import {
  isInvalidLink,
  MIN_PASSWORD_LENGTH,
  PASSWORD_HINT,
  useLinkToken,
  useStaffLink,
  weakPasswordMessage,
} from '../staffLinks';

const TITLE = 'Accept your invitation';

/**
 * The page of an emailed invitation (`/admin/accept-invitation#token=…`): says which account and email it
 * is for, takes the invited user's name and password, and signs them in as the sign-in page does.
 */
export function AcceptInvitationPage() {
  const token = useLinkToken();
  // A new link starts the page afresh.
  return <AcceptInvitationForm key={token ?? ''} token={token} />;
}

function AcceptInvitationForm({ token }: { token: string | null }) {
  const link = useStaffLink(token, 'invitation');
  const router = useRouter();
  const queryClient = useQueryClient();
  const { hasSession } = useSession();
  const [spent, setSpent] = useState(false);
  const [pending, setPending] = useState(false);
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  // A refused password: back to its field (enabled again by then), the reason read out with it.
  useEffect(() => {
    if (passwordError) passwordRef.current?.focus();
  }, [passwordError]);

  if (spent || (link.isError && isInvalidLink(link.error))) return <InvalidLink purpose="invitation" />;
  if (link.isError) {
    return (
      <LinkCheckFailed
        title={TITLE}
        error={link.error}
        onRetry={() => void link.refetch()}
        retrying={link.isFetching}
      />
    );
  }
  if (!link.data || !token) return <LinkChecking title={TITLE} />;
  const { email, name, account_name } = link.data;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPasswordError(undefined);
    setError(null);
    setPending(true);
    try {
      await acceptInvitation(
        token,
        String(form.get('password') ?? ''),
        String(form.get('name') ?? '').trim() || undefined,
      );
      queryClient.clear();
      await router.navigate({ to: '/', replace: true });
    } catch (e) {
      const weak = weakPasswordMessage(e);
      if (weak) setPasswordError(weak);
      else if (isInvalidLink(e)) setSpent(true);
      else setError(describeError(e));
      setPending(false);
    }
  };

  return (
    <AuthFrame
      title={TITLE}
      subtitle={
        <>
          Join <span className="font-medium text-zinc-900">{account_name}</span> as{' '}
          <span className="font-medium text-zinc-900">{email}</span>
        </>
      }
      footer={
        <>
          Already accepted?{' '}
          <Link to="/sign-in" className={authLinkClass}>
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} className={authCardClass}>
        {hasSession && (
          <p role="note" className="rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-900">
            This browser is signed in to Keyward already. Accepting signs it in as {email} instead.
          </p>
        )}
        <FormError>{error}</FormError>
        <input
          type="email"
          name="username"
          autoComplete="username"
          value={email}
          readOnly
          className="hidden"
        />
        <Input
          label="Your name"
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          defaultValue={name}
          disabled={pending}
          autoFocus
        />
        <Input
          ref={passwordRef}
          label="Choose a password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          maxLength={1024}
          hint={PASSWORD_HINT}
          error={passwordError}
          disabled={pending}
        />
        <Button type="submit" loading={pending} className="mt-2 w-full">
          {pending ? 'Signing in…' : 'Accept and sign in'}
        </Button>
      </form>
    </AuthFrame>
  );
}
