import { Link, Navigate, useNavigate, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/**
 * The portal's own paths. The router's path types are registered for the dashboard (one `Register` per
 * program), so the portal's links and redirects go through these helpers, checked against this list.
 */
export type PortalPath = '/' | '/sign-in' | '/account' | `/account/licenses/${string}`;

export function PortalLink({
  to,
  className,
  children,
}: {
  to: PortalPath;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Link to={to as never} className={className}>
      {children}
    </Link>
  );
}

export function RedirectTo({ to }: { to: PortalPath }) {
  return <Navigate to={to as never} />;
}

export function usePortalNavigate() {
  const navigate = useNavigate();
  return (to: PortalPath) => navigate({ to: to as never });
}

/** A path parameter of the current portal route. */
export function usePortalParam(name: string): string {
  return (useParams({ strict: false }) as Record<string, string>)[name] ?? '';
}
