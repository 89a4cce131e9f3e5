import { describeError, toApiError } from '../api/errors';
import { Button } from './Button';
import { Icon } from './Icon';

/**
 * A failed load: what happened, a retry, and the request id to quote to support.
 * An endpoint the server does not have yet (ROUTE_NOT_FOUND) is said plainly rather than as a fault.
 */
export function ErrorState({
  error,
  onRetry,
  retrying,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
  title?: string;
}) {
  const e = toApiError(error);
  const missingEndpoint = e.code === 'ROUTE_NOT_FOUND';
  const heading = title ?? (missingEndpoint ? 'Not available on this server yet' : 'Could not load this');
  const message = missingEndpoint
    ? 'This server version does not provide this data. Update Keyward to use this page.'
    : describeError(e);
  return (
    <div role="alert" className="flex flex-col items-center px-6 py-12 text-center">
      <span className="mb-3 grid size-11 place-items-center rounded-full bg-red-50 text-red-600">
        <Icon name="alert" className="size-5" />
      </span>
      <h3 className="text-sm font-semibold text-zinc-900">{heading}</h3>
      <p className="mt-1 max-w-md text-sm text-zinc-600">{message}</p>
      {(e.requestId || e.status > 0) && (
        <p className="mt-2 font-mono text-xs text-zinc-400">
          {e.code}
          {e.requestId && ` · request ${e.requestId}`}
        </p>
      )}
      {onRetry && !missingEndpoint && (
        <Button variant="secondary" size="sm" className="mt-4" onClick={onRetry} loading={retrying}>
          <Icon name="refresh" className="size-3.5" /> Try again
        </Button>
      )}
    </div>
  );
}
