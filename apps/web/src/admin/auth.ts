import { queryOptions } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, publicApi, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { type Role, type SessionSnapshot, session } from '../api/session';

export type Me = { user: components['schemas']['User']; account: { id: string; slug: string; name: string } };

/** The signed-in user and account (`GET /api/v1/auth/me`). */
export const meQuery = queryOptions({
  queryKey: ['auth', 'me'],
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/me', { signal })),
  staleTime: 5 * 60_000,
});

/** Signs in with email and password; throws an ApiError (INVALID_CREDENTIALS, RATE_LIMITED …). */
export async function signIn(email: string, password: string): Promise<void> {
  const result = await unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }));
  session.start(result);
}

/**
 * Accepts an invitation with its emailed token: sets the password (and name) and signs in, the session
 * stored as signIn stores it; throws an ApiError (PASSWORD_TOO_WEAK, LINK_INVALID …). Sent without the
 * current session, if any: the link is the credential.
 */
export async function acceptInvitation(token: string, password: string, name?: string): Promise<void> {
  const body = { token, password, ...(name ? { name } : {}) };
  const result = await unwrap(publicApi.POST('/api/v1/auth/invitation/accept', { body }));
  session.start(result);
}

/** Revokes the refresh token on the server (best effort) and forgets the session locally. */
export async function signOut(): Promise<void> {
  const refreshToken = session.refreshToken();
  session.end('signed_out');
  if (!refreshToken) return;
  try {
    await api.POST('/api/v1/auth/logout', { body: { refresh_token: refreshToken } });
  } catch {
    /* offline: the token expires on its own; the local session is already gone */
  }
}

/** Re-renders when the session starts or ends. */
export function useSession(): SessionSnapshot {
  return useSyncExternalStore(session.subscribe, session.snapshot);
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  developer: 'Developer',
  sales: 'Sales',
  support: 'Support',
  read_only: 'Read-only',
};

/** Only same-app paths are accepted as a post-sign-in destination (no open redirects). */
export function safeRedirect(target: unknown): string {
  if (
    typeof target !== 'string' ||
    !target.startsWith('/') ||
    target.startsWith('//') ||
    target.includes('\\')
  ) {
    return '/';
  }
  return target.startsWith('/sign-in') ? '/' : target;
}
