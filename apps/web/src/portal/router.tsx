import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { buttonClass, EmptyState } from '../ui';
import { HomePage } from './pages/Home';

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
              href="#pricing"
              className="rounded-md px-2 py-2 text-zinc-600 sm:px-3 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Pricing
            </a>
            <a
              href="#check-license"
              className="rounded-md px-2 py-2 text-zinc-600 sm:px-3 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Check<span className="hidden sm:inline"> a</span> license
            </a>
            <a
              href="#offline-activation"
              className="rounded-md px-2 py-2 text-zinc-600 sm:px-3 hover:bg-zinc-100 hover:text-zinc-900"
            >
              Offline<span className="hidden sm:inline"> activation</span>
            </a>
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

const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: HomePage });

/** The public portal: one page for now (pricing, license check, offline activation). */
export function createPortalRouter() {
  return createRouter({ routeTree: rootRoute.addChildren([homeRoute]), basepath: '/portal' });
}
