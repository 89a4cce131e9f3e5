import { useEffect, useState } from 'react';

let taken: { path: string; token: string } | null = null;

/**
 * Takes the token of an emailed link from the address bar (`#token=…`) and removes it from there, so
 * it is neither left in the browser's history nor sent on as a referrer. Later calls on the same page
 * return the same token (React runs state initialisers twice in development).
 */
function takeLinkToken(): string | null {
  const match = /(?:^#|&)token=([^&]*)/.exec(window.location.hash);
  if (match) {
    taken = { path: window.location.pathname, token: decodeURIComponent(match[1] ?? '') };
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }
  return taken?.path === window.location.pathname && taken.token ? taken.token : null;
}

/**
 * The token of the link this page was opened with (null without one); read once, then gone from the URL.
 * A link pasted into the address bar of the open page only changes the fragment: it is taken too.
 */
export function useLinkToken(): string | null {
  const [token, setToken] = useState(takeLinkToken);
  useEffect(() => {
    const onHashChange = () => {
      if (/(?:^#|&)token=/.test(window.location.hash)) setToken(takeLinkToken());
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return token;
}
