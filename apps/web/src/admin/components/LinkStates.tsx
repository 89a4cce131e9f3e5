import { Link } from '@tanstack/react-router';
import { buttonClass, ErrorState, Icon, Spinner } from '../../ui';
import type { LinkPurpose } from '../staffLinks';
import { AuthFrame, authCardClass, authLinkClass } from './AuthFrame';

/** While the emailed link is being checked. */
export function LinkChecking({ title }: { title: string }) {
  return (
    <AuthFrame title={title}>
      <div className={`${authCardClass} items-center py-10 text-brand-600`}>
        <Spinner className="size-6" label="Checking the link" />
      </div>
    </AuthFrame>
  );
}

/** When the link could not be checked (offline, server fault): says so, with a retry. */
export function LinkCheckFailed({
  title,
  error,
  onRetry,
  retrying,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
  retrying: boolean;
}) {
  return (
    <AuthFrame title={title}>
      <div className="rounded-lg border border-zinc-200 bg-white shadow-sm">
        <ErrorState error={error} onRetry={onRetry} retrying={retrying} title="Could not check the link" />
      </div>
    </AuthFrame>
  );
}

const EXPLAINED: Record<LinkPurpose, string> = {
  password_reset:
    'A link to reset a password works once, for one hour, and only the newest one sent works. Ask for a new link and use the one in the latest email.',
  invitation:
    'An invitation link works once, for 7 days, and only the newest one sent works. Ask an administrator of your account to send a new invitation. If you have already accepted it, sign in.',
};

/**
 * The link was used, expired, replaced by a newer one or is not a link at all: says so plainly and
 * offers the way on: a new reset link, or signing in.
 */
export function InvalidLink({ purpose }: { purpose: LinkPurpose }) {
  const reset = purpose === 'password_reset';
  return (
    <AuthFrame
      title="This link no longer works"
      subtitle={reset ? 'Password reset' : 'Invitation'}
      footer={
        reset ? (
          <Link to="/sign-in" className={authLinkClass}>
            Back to sign in
          </Link>
        ) : (
          <Link to="/forgot-password" className={authLinkClass}>
            Forgot password?
          </Link>
        )
      }
    >
      <div className={authCardClass}>
        <div role="alert" className="flex gap-3 rounded-md bg-amber-50 px-3 py-3 text-sm text-amber-900">
          <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
          <p>{EXPLAINED[purpose]}</p>
        </div>
        {reset ? (
          <Link to="/forgot-password" className={buttonClass('primary', 'md', 'w-full')}>
            Ask for a new link
          </Link>
        ) : (
          <Link to="/sign-in" className={buttonClass('primary', 'md', 'w-full')}>
            Sign in
          </Link>
        )}
      </div>
    </AuthFrame>
  );
}
