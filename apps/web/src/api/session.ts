import type { paths } from './schema';

export type Session = paths['/api/v1/auth/login']['post']['responses'][200]['content']['application/json'];
export type SessionUser = Session['user'];
export type Role = SessionUser['role'];
/** Why a session ended: the user asked, the refresh token was refused, or another tab signed out. */
export type SignOutReason = 'signed_out' | 'expired' | 'other_tab';

export interface SessionSnapshot {
  user: SessionUser | null;
  /** True while a refresh token is stored, even before the first refresh has produced an access token. */
  hasSession: boolean;
  /** Set when the last session ended, so the sign-in page can say why. */
  endedBecause: SignOutReason | null;
}

const REFRESH_KEY = 'keyward.admin.refresh_token';
/** Refresh a little before the server would refuse the token, to absorb clock skew and latency. */
const EXPIRY_MARGIN_MS = 15_000;

function readRefreshToken(): string | null {
  try {
    return localStorage.getItem(REFRESH_KEY);
  } catch {
    return null; // storage disabled (privacy mode): the session lives only as long as the page
  }
}

function writeRefreshToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(REFRESH_KEY, token);
    else localStorage.removeItem(REFRESH_KEY);
  } catch {
    /* storage disabled: nothing to persist */
  }
}

let accessToken: string | null = null;
let accessExpiresAt = 0;
let snapshot: SessionSnapshot = { user: null, hasSession: readRefreshToken() !== null, endedBecause: null };
const listeners = new Set<() => void>();

function publish(next: SessionSnapshot): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

/**
 * The staff session. The access token stays in memory only (an XSS-free page reload costs one refresh);
 * the refresh token is in localStorage so a session survives reloads and is shared by tabs.
 */
export const session = {
  accessToken: (): string | null => accessToken,
  /** True when the in-memory access token exists and is not about to expire. */
  accessTokenIsFresh: (): boolean => accessToken !== null && Date.now() < accessExpiresAt - EXPIRY_MARGIN_MS,
  /** Read on every use: another tab may have rotated it. */
  refreshToken: (): string | null => readRefreshToken(),

  /** Stores the answer of login or refresh. */
  start(next: Session): void {
    accessToken = next.access_token;
    accessExpiresAt = Date.now() + next.expires_in * 1000;
    writeRefreshToken(next.refresh_token);
    publish({ user: next.user, hasSession: true, endedBecause: null });
  },

  /** Forgets every token; listeners (the router) send the user to sign-in. */
  end(reason: SignOutReason): void {
    const hadSession = snapshot.hasSession || accessToken !== null;
    accessToken = null;
    accessExpiresAt = 0;
    if (reason !== 'other_tab') writeRefreshToken(null);
    if (hadSession) publish({ user: null, hasSession: false, endedBecause: reason });
  },

  snapshot: (): SessionSnapshot => snapshot,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// Signing out in one tab signs out every tab.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === REFRESH_KEY && event.newValue === null) session.end('other_tab');
    if (event.key === null) session.end('other_tab'); // localStorage.clear()
  });
}
