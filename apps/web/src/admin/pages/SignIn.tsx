import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useRouter } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError, toApiError } from '../../api/errors';
import { Button, Input } from '../../ui';
import { safeRedirect, signIn } from '../auth';
import { AuthFrame, authCardClass, authLinkClass } from '../components/AuthFrame';

const route = getRouteApi('/sign-in');

const REASONS: Record<string, string> = {
  expired: 'Your session has expired. Sign in again to continue.',
  other_tab: 'You signed out in another tab.',
  signed_out: 'You have been signed out.',
};

/** Staff sign-in: email and password, errors announced to screen readers, spinner while waiting. */
export function SignInPage() {
  const search = route.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => emailRef.current?.focus(), []);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      await signIn(String(form.get('email') ?? '').trim(), String(form.get('password') ?? ''));
      queryClient.clear();
      await router.navigate({ to: safeRedirect(search.redirect), replace: true });
    } catch (e) {
      setError(e);
      if (toApiError(e).code === 'INVALID_CREDENTIALS' && passwordRef.current) {
        passwordRef.current.value = '';
        passwordRef.current.focus();
      }
    } finally {
      setPending(false);
    }
  };

  const notice = search.reason ? REASONS[search.reason] : undefined;
  const invalid = toApiError(error).code === 'INVALID_CREDENTIALS';

  return (
    <AuthFrame
      title="Sign in to Keyward"
      subtitle="Staff dashboard"
      footer={
        <Link to="/forgot-password" className={authLinkClass}>
          Forgot password?
        </Link>
      }
    >
      <form
        onSubmit={onSubmit}
        className={authCardClass}
        aria-describedby={error ? 'sign-in-error' : undefined}
      >
        {notice && !error && (
          <p role="status" className="rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-900">
            {notice}
          </p>
        )}
        {error != null && (
          <p id="sign-in-error" role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {invalid ? 'That email and password do not match an account.' : describeError(error)}
          </p>
        )}
        <Input
          ref={emailRef}
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          inputMode="email"
          required
          disabled={pending}
        />
        <Input
          ref={passwordRef}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          disabled={pending}
          aria-invalid={invalid || undefined}
        />
        <Button type="submit" loading={pending} className="mt-2 w-full">
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthFrame>
  );
}
