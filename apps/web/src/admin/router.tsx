import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  useRouter,
} from '@tanstack/react-router';
import { useEffect } from 'react';
import { toApiError } from '../api/errors';
import { session } from '../api/session';
import { Card, ErrorState, Spinner } from '../ui';
import { meQuery, safeRedirect } from './auth';
import { Shell } from './components/Shell';
import { validateListSearch } from './listSearch';
import { validateOrdersSearch } from './orders/search';
import { NotFoundPage } from './pages/NotFound';
import { OverviewPage } from './pages/Overview';
import { SignInPage } from './pages/SignIn';

interface RouterContext {
  queryClient: QueryClient;
}

/** Pages that need no session: signing in, and the pages of the links staff are emailed. */
const PUBLIC_PATHS = new Set(['/sign-in', '/forgot-password', '/reset-password', '/accept-invitation']);

/**
 * When the session ends anywhere (sign out, refused refresh, other tab), clear data and go to sign-in
 * (unless on a page that needs no session).
 */
function SessionWatcher() {
  const router = useRouter();
  useEffect(
    () =>
      session.subscribe(() => {
        const { hasSession, endedBecause } = session.snapshot();
        if (hasSession || !endedBecause) return;
        const { queryClient } = router.options.context as RouterContext;
        const here = router.state.location;
        queryClient.clear();
        if (PUBLIC_PATHS.has(here.pathname)) return;
        const redirectTo = endedBecause === 'signed_out' ? undefined : here.href;
        void router.navigate({ to: '/sign-in', search: { redirect: redirectTo, reason: endedBecause } });
      }),
    [router],
  );
  return null;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <>
      <SessionWatcher />
      <Outlet />
    </>
  ),
  notFoundComponent: NotFoundPage,
});

interface SignInSearch {
  redirect?: string;
  reason?: string;
}

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): SignInSearch => ({
    redirect: typeof search.redirect === 'string' ? search.redirect : undefined,
    reason: typeof search.reason === 'string' ? search.reason : undefined,
  }),
  beforeLoad: ({ search }) => {
    if (session.snapshot().hasSession) throw redirect({ to: safeRedirect(search.redirect) });
  },
  component: SignInPage,
});

/**
 * A page that needs no session: "forgot password" and the pages of emailed links, whose token is the
 * credential (it arrives in the URL's fragment, so it never reaches a server log).
 */
const publicPage = <const TPath extends string>(path: TPath, component: PageComponent) =>
  createRoute({ getParentRoute: () => rootRoute, path, component });

/** Layout of every signed-in page: checks the session (refreshing it if needed) before rendering. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    // Says why when the session has just ended (a refused refresh), as SessionWatcher's redirect does:
    // whichever of the two lands last, the sign-in page explains.
    const toSignIn = () =>
      redirect({
        to: '/sign-in',
        search: { redirect: location.href, reason: session.snapshot().endedBecause ?? undefined },
      });
    if (!session.snapshot().hasSession) throw toSignIn();
    try {
      await context.queryClient.ensureQueryData(meQuery);
    } catch (error) {
      if (toApiError(error).status === 401) throw toSignIn();
      throw error;
    }
  },
  component: Shell,
  pendingComponent: () => (
    <div className="grid min-h-dvh place-items-center text-brand-600">
      <Spinner className="size-6" label="Loading your session" />
    </div>
  ),
  errorComponent: ({ error, reset }) => (
    <div className="mx-auto max-w-lg px-4 py-16">
      <Card>
        <ErrorState error={error} onRetry={reset} title="Could not open the dashboard" />
      </Card>
    </div>
  ),
});

type PageComponent = Parameters<typeof createRoute>[0]['component'];

/** A signed-in page whose list state (offset, limit, q, status) lives in the URL. */
const listPage = <const TPath extends string>(path: TPath, component: PageComponent) =>
  createRoute({ getParentRoute: () => appRoute, path, component, validateSearch: validateListSearch });

/** A signed-in page without list state. */
const page = <const TPath extends string>(path: TPath, component: PageComponent) =>
  createRoute({ getParentRoute: () => appRoute, path, component });

/** The orders list: list state plus the customer it may be narrowed to (`?customer_id=`). */
const ordersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/orders',
  component: lazyRouteComponent(() => import('./pages/Orders'), 'OrdersPage'),
  validateSearch: validateOrdersSearch,
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  publicPage(
    '/forgot-password',
    lazyRouteComponent(() => import('./pages/ForgotPassword'), 'ForgotPasswordPage'),
  ),
  publicPage(
    '/reset-password',
    lazyRouteComponent(() => import('./pages/ResetPassword'), 'ResetPasswordPage'),
  ),
  publicPage(
    '/accept-invitation',
    lazyRouteComponent(() => import('./pages/AcceptInvitation'), 'AcceptInvitationPage'),
  ),
  appRoute.addChildren([
    page('/', OverviewPage),
    listPage(
      '/customers',
      lazyRouteComponent(() => import('./pages/Customers'), 'CustomersPage'),
    ),
    listPage(
      '/licenses',
      lazyRouteComponent(() => import('./pages/Licenses'), 'LicensesPage'),
    ),
    page(
      '/licenses/$id',
      lazyRouteComponent(() => import('./pages/LicenseDetail'), 'LicenseDetailPage'),
    ),
    page(
      '/customers/$id',
      lazyRouteComponent(() => import('./pages/CustomerDetail'), 'CustomerDetailPage'),
    ),
    listPage(
      '/devices',
      lazyRouteComponent(() => import('./pages/Devices'), 'DevicesPage'),
    ),
    listPage(
      '/plans',
      lazyRouteComponent(() => import('./pages/Plans'), 'PlansPage'),
    ),
    listPage(
      '/subscriptions',
      lazyRouteComponent(() => import('./pages/Subscriptions'), 'SubscriptionsPage'),
    ),
    page(
      '/subscriptions/$id',
      lazyRouteComponent(() => import('./pages/SubscriptionDetail'), 'SubscriptionDetailPage'),
    ),
    ordersRoute,
    page(
      '/orders/$id',
      lazyRouteComponent(() => import('./pages/OrderDetail'), 'OrderDetailPage'),
    ),
    page(
      '/analytics',
      lazyRouteComponent(() => import('./pages/Analytics'), 'AnalyticsPage'),
    ),
    page(
      '/compliance',
      lazyRouteComponent(() => import('./pages/Compliance'), 'CompliancePage'),
    ),
    page(
      '/compliance/violations/$id',
      lazyRouteComponent(() => import('./pages/ViolationDetail'), 'ViolationDetailPage'),
    ),
    listPage(
      '/events',
      lazyRouteComponent(() => import('./pages/Events'), 'EventsPage'),
    ),
    page(
      '/settings',
      lazyRouteComponent(() => import('./pages/Settings'), 'SettingsPage'),
    ),
    page(
      '/settings/webhooks/$id',
      lazyRouteComponent(() => import('./pages/WebhookEndpoint'), 'WebhookEndpointPage'),
    ),
    page(
      '/settings/emails/$id',
      lazyRouteComponent(() => import('./email/EmailPage'), 'EmailPage'),
    ),
  ]),
]);

export function createAdminRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    basepath: '/admin',
    context: { queryClient },
    defaultPreload: 'intent',
    // Loader data lives in TanStack Query; the router should not cache it a second time.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
    defaultPendingMs: 300,
    defaultPendingComponent: () => (
      <div className="flex justify-center py-16 text-brand-600">
        <Spinner className="size-6" label="Loading" />
      </div>
    ),
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAdminRouter>;
  }
}
