import { Link } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button, FormError, Input } from '../../ui';
import { AuthFrame, authCardClass, authLinkClass } from '../components/AuthFrame';
import { useSubmit } from '../hooks';
import { requestPasswordReset } from '../staffLinks';

const backToSignIn = (
  <Link to="/sign-in" className={authLinkClass}>
    Back to sign in
  </Link>
);

/**
 * "Forgot password?": asks for a reset link by email. The server answers the same whether or not the
 * email is a user's, and that answer is what the page shows.
 */
export function ForgotPasswordPage() {
  const [sent, setSent] = useState<{ email: string; message: string } | null>(null);
  const { busy, error, run } = useSubmit();
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => emailRef.current?.focus(), []);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    void run(async () => setSent({ email, message: await requestPasswordReset(email) }));
  };

  return (
    <AuthFrame
      title="Reset your password"
      subtitle={sent ? 'Check your email' : 'We will email you a link to choose a new one.'}
      footer={backToSignIn}
    >
      {sent ? (
        <div className={authCardClass}>
          <p role="status" className="rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-900">
            {sent.message}
          </p>
          <p className="text-sm text-zinc-600">
            Nothing for <span className="font-medium break-all text-zinc-900">{sent.email}</span> after a few
            minutes? Check the spam folder, or{' '}
            <button type="button" className={authLinkClass} onClick={() => setSent(null)}>
              try another email
            </button>
            .
          </p>
        </div>
      ) : (
        <form
          onSubmit={onSubmit}
          className={authCardClass}
          aria-describedby={error ? 'forgot-error' : undefined}
        >
          <FormError>{error && <span id="forgot-error">{error}</span>}</FormError>
          <Input
            ref={emailRef}
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            inputMode="email"
            required
            disabled={busy}
          />
          <Button type="submit" loading={busy} className="mt-2 w-full">
            {busy ? 'Sending…' : 'Email me a link'}
          </Button>
        </form>
      )}
    </AuthFrame>
  );
}
