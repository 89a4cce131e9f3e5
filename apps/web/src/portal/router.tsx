import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { buttonClass, EmptyState } from '../ui';
import { PortalLink } from './links';
import { AccountPage } from './pages/Account';
import { AccountLicensePage } from './pages/AccountLicense';
import { HomePage } from './pages/Home';
import { SignInPage } from './pages/SignIn';
import { useSignedIn } from './session';

function Layout() {
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex h-16 max-w-6xl items-center justify-between px-4 sm:px-6">
          <a
            href="/portal"
            className="flex items-center gap-2 rounded text-base font-semibold whitespace-nowrap text-zinc-900"
          >
            <span className="grid size-7 place-items-center rounded-md bg-brand-600 text-sm font-bold text-white">
              K
            </span>
            <span className="sm:hidden">Portal</span>
            <span className="hidden sm:inline">Customer portal</span>
          </a>
          <nav aria-label="Portal" className="flex gap-1 text-sm font-medium whitespace-nowrap">
            <a
              href="/portal#pricing"
              className="rounded-md px-2 py-2 text-zinc-600 sm:px-3 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Pricing
            </a>
            <a
              href="/portal#check-license"
              className="rounded-md px-2 py-2 text-zinc-600 sm:px-3 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Check<span className="hidden sm:inline"> a</span> license
            </a>
            <a
              href="/portal#offline-activation"
              className="rounded-md px-2 py-2 text-zinc-600 sm:px-3 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Offline<span className="hidden sm:inline"> activation</span>
            </a>
            <AccountLink />
          </nav>
        </div>
      </header>
      <main id="main" className="flex-1">
        <Outlet />
      </main>
      <footer className="border-t border-zinc-200 bg-white py-6 text-center text-xs text-zinc-500">
        Licensing by Keyward
      </footer>
    </div>
  );
}

const rootRoute = createRootRoute({
  component: Layout,
  notFoundComponent: () => (
    <EmptyState
      icon="search"
      title="Page not found"
      description="This address does not match any page of the portal."
      action={
        <a href="/portal" className={buttonClass('secondary', 'sm')}>
          Back to the portal
        </a>
      }
    />
  ),
});

/** "Your account" once signed in, "Sign in" before. */
function AccountLink() {
  const signedIn = useSignedIn();
  return (
    <PortalLink
      to={signedIn ? '/account' : '/sign-in'}
      className="rounded-md px-2 py-2 text-zinc-600 sm:px-3 hover:bg-zinc-100 hover:text-zinc-900"
    >
      {signedIn ? 'Your account' : 'Sign in'}
    </PortalLink>
  );
}

const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: HomePage });
const signInRoute = createRoute({ getParentRoute: () => rootRoute, path: '/sign-in', component: SignInPage });
const accountRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/account',
  component: AccountPage,
});
const accountLicenseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/account/licenses/$id',
  component: AccountLicensePage,
});

/** The portal: pricing, license check and offline activation for anyone; a customer's own account. */
export function createPortalRouter() {
  return createRouter({
    routeTree: rootRoute.addChildren([homeRoute, signInRoute, accountRoute, accountLicenseRoute]),
    basepath: '/portal',
  });
}
