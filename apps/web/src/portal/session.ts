import createClient from 'openapi-fetch';
import { useSyncExternalStore } from 'react';
import type { paths } from '../api/schema';

/**
 * The signed-in customer's portal session: a bearer token (kws_…) from an emailed sign-in link, kept in
 * this browser's localStorage until it expires or the customer signs out. A 401 from the server (the
 * session ended elsewhere, or expired) forgets it, and the account pages send the customer to sign in.
 */
const STORAGE_KEY = 'keyward.portal.session';
const BASE_URL: string = import.meta.env.VITE_API_URL ?? '';
const listeners = new Set<() => void>();

interface StoredSession {
  token: string;
  expires_at: string;
}

function read(): StoredSession | null {
  try {
    const stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? 'null') as StoredSession | null;
    return stored && new Date(stored.expires_at).getTime() > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

function notify() {
  for (const listener of listeners) listener();
}

export const portalSession = {
  token: () => read()?.token ?? null,
  start(s: StoredSession) {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ token: s.token, expires_at: s.expires_at }));
    notify();
  },
  end() {
    window.localStorage.removeItem(STORAGE_KEY);
    notify();
  },
};

/** Whether a customer is signed in in this browser (re-renders on sign-in and sign-out, in any tab). */
export function useSignedIn(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      window.addEventListener('storage', listener);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('storage', listener);
      };
    },
    () => portalSession.token() !== null,
  );
}

async function customerFetch(request: Request): Promise<Response> {
  const token = portalSession.token();
  if (token) request.headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(request);
  if (response.status === 401 && token) portalSession.end();
  return response;
}

/** Typed client for the signed-in portal routes (`/api/v1/portal/me…`). */
export const customerApi = createClient<paths>({ baseUrl: BASE_URL, fetch: customerFetch });
