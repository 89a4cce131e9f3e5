import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { cx, focusRing, Icon, Skeleton } from '../../ui';
import { meQuery, ROLE_LABELS, signOut } from '../auth';
import { NAV_ITEMS } from '../nav';

function Brand() {
  return (
    <span className="flex items-center gap-2 text-base font-semibold text-zinc-900">
      <span className="grid size-7 place-items-center rounded-md bg-brand-600 text-sm font-bold text-white">
        K
      </span>
      Keyward
    </span>
  );
}

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <ul className="flex flex-col gap-0.5">
      {NAV_ITEMS.map((item) => (
        <li key={item.to}>
          <Link
            to={item.to}
            onClick={onNavigate}
            activeOptions={{ exact: item.to === '/' }}
            className={cx(
              'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900',
              'data-[status=active]:bg-brand-50 data-[status=active]:text-brand-700',
              focusRing,
            )}
          >
            <Icon name={item.icon} className="size-4 shrink-0" />
            {item.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function UserMenu() {
  const me = useQuery(meQuery);
  const [signingOut, setSigningOut] = useState(false);
  return (
    <div className="flex min-w-0 items-center gap-3">
      <div className="hidden min-w-0 text-right sm:block">
        {me.data ? (
          <>
            <p className="truncate text-sm font-medium text-zinc-900">{me.data.user.email}</p>
            <p className="text-xs text-zinc-500">{ROLE_LABELS[me.data.user.role]}</p>
          </>
        ) : (
          <Skeleton className="h-8 w-40" />
        )}
      </div>
      <button
        type="button"
        onClick={() => {
          setSigningOut(true);
          void signOut();
        }}
        disabled={signingOut}
        className={cx(
          'inline-flex h-9 items-center gap-2 rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium text-zinc-700 hover:bg-zinc-50',
          focusRing,
        )}
      >
        <Icon name="logOut" />
        <span className="hidden sm:inline">Sign out</span>
        <span className="sr-only sm:hidden">Sign out</span>
      </button>
    </div>
  );
}

/**
 * Signed-in layout: fixed sidebar from `lg` up; below that a top bar with a menu button that opens the
 * same navigation as a drawer (Escape or navigating closes it, focus returns to the button).
 */
export function Shell() {
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const current = NAV_ITEMS.find((item) =>
    item.to === '/' ? pathname === '/' : pathname === item.to || pathname.startsWith(`${item.to}/`),
  );

  useEffect(() => {
    if (!menuOpen) return;
    closeButton.current?.focus(); // move focus into the drawer so keyboard users start there
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setMenuOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  useEffect(() => {
    document.title = current ? `${current.label} · Keyward` : 'Keyward';
  }, [current]);

  return (
    <div className="min-h-dvh lg:pl-60">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>

      <aside className="fixed inset-y-0 left-0 hidden w-60 flex-col border-r border-zinc-200 bg-white lg:flex">
        <div className="flex h-16 items-center px-5">
          <Brand />
        </div>
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-2">
          <NavLinks />
        </nav>
      </aside>

      {menuOpen && (
        <div className="fixed inset-0 z-40 lg:hidden">
          <button
            type="button"
            aria-label="Close menu"
            tabIndex={-1}
            className="absolute inset-0 bg-zinc-900/40"
            onClick={() => setMenuOpen(false)}
          />
          <nav
            id="mobile-nav"
            aria-label="Main"
            className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col bg-white shadow-xl"
          >
            <div className="flex h-16 items-center justify-between px-5">
              <Brand />
              <button
                ref={closeButton}
                type="button"
                onClick={() => {
                  setMenuOpen(false);
                  menuButton.current?.focus();
                }}
                aria-label="Close menu"
                className={cx('rounded-md p-2 text-zinc-500 hover:bg-zinc-100', focusRing)}
              >
                <Icon name="x" />
              </button>
            </div>
            <div className="flex-1 overflow-y-auto px-3 py-2">
              <NavLinks onNavigate={() => setMenuOpen(false)} />
            </div>
          </nav>
        </div>
      )}

      <header className="sticky top-0 z-30 flex h-16 items-center gap-3 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur sm:px-6">
        <button
          ref={menuButton}
          type="button"
          onClick={() => setMenuOpen(true)}
          aria-expanded={menuOpen}
          aria-controls="mobile-nav"
          aria-label="Open menu"
          className={cx('-ml-2 rounded-md p-2 text-zinc-600 hover:bg-zinc-100 lg:hidden', focusRing)}
        >
          <Icon name="menu" className="size-5" />
        </button>
        <span className="min-w-0 flex-1 truncate text-sm font-medium text-zinc-500 lg:hidden">
          {current?.label}
        </span>
        <div className="ml-auto">
          <UserMenu />
        </div>
      </header>

      <main
        id="main"
        tabIndex={-1}
        className="mx-auto max-w-7xl px-4 py-6 focus:outline-none sm:px-6 lg:px-8 lg:py-8"
      >
        <Outlet />
      </main>
    </div>
  );
}
