import { Link } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../../api/errors';
import { Button, buttonClass, FormError, Input } from '../../ui';
import { AuthFrame, authCardClass, authLinkClass } from '../components/AuthFrame';
import { InvalidLink, LinkCheckFailed, LinkChecking } from '../components/LinkStates';
import {
  confirmPasswordReset,
  isInvalidLink,
  MIN_PASSWORD_LENGTH,
  PASSWORD_HINT,
  useLinkToken,
  useStaffLink,
  weakPasswordMessage,
} from '../staffLinks';

const TITLE = 'Choose a new password';

/**
 * The page of an emailed reset link (`/admin/reset-password#token=…`): says whose password it resets, takes
 * the new one twice, and sends to sign-in once it is changed (the server has ended every session).
 */
export function ResetPasswordPage() {
  const token = useLinkToken();
  // A new link starts the page afresh.
  return <ResetPasswordForm key={token ?? ''} token={token} />;
}

function ResetPasswordForm({ token }: { token: string | null }) {
  const link = useStaffLink(token, 'password_reset');
  /** The email whose password was changed, once it is. */
  const [changedFor, setChangedFor] = useState<string | null>(null);
  const [spent, setSpent] = useState(false);
  const [pending, setPending] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<{ password?: string; confirm?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  // A refused entry: back to its field (enabled again by then), the reason read out with it.
  useEffect(() => {
    if (fieldErrors.password) passwordRef.current?.focus();
    else if (fieldErrors.confirm) confirmRef.current?.focus();
  }, [fieldErrors]);

  if (changedFor) {
    return (
      <AuthFrame title="Password changed" subtitle={`for ${changedFor}`}>
        <div className={authCardClass}>
          <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
            Your new password is set. Every session signed in with the old one has ended, on every device.
          </p>
          <Link to="/sign-in" className={buttonClass('primary', 'md', 'w-full')}>
            Sign in
          </Link>
        </div>
      </AuthFrame>
    );
  }
  if (spent || (link.isError && isInvalidLink(link.error))) return <InvalidLink purpose="password_reset" />;
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
  const { email } = link.data;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    if (password !== String(form.get('confirm') ?? '')) {
      setFieldErrors({ confirm: 'The two passwords do not match.' });
      return;
    }
    setFieldErrors({});
    setError(null);
    setPending(true);
    try {
      await confirmPasswordReset(token, password);
      setChangedFor(email);
    } catch (e) {
      const weak = weakPasswordMessage(e);
      if (weak) setFieldErrors({ password: weak });
      else if (isInvalidLink(e)) setSpent(true);
      else setError(describeError(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <AuthFrame
      title={TITLE}
      subtitle={
        <>
          for <span className="font-medium text-zinc-900">{email}</span>
        </>
      }
      footer={
        <Link to="/sign-in" className={authLinkClass}>
          Back to sign in
        </Link>
      }
    >
      <form onSubmit={onSubmit} className={authCardClass}>
        <FormError>{error}</FormError>
        {/* For password managers: the account the new password belongs to. */}
        <input
          type="email"
          name="username"
          autoComplete="username"
          value={email}
          readOnly
          className="hidden"
        />
        <Input
          ref={passwordRef}
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          maxLength={1024}
          hint={PASSWORD_HINT}
          error={fieldErrors.password}
          disabled={pending}
          autoFocus
        />
        <Input
          ref={confirmRef}
          label="Confirm new password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          maxLength={1024}
          error={fieldErrors.confirm}
          disabled={pending}
        />
        <Button type="submit" loading={pending} className="mt-2 w-full">
          {pending ? 'Changing…' : 'Change password'}
        </Button>
      </form>
    </AuthFrame>
  );
}
