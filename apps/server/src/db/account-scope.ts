import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The account a piece of work acts for, so `db.sql` and `db.tx` can confine it to that account's rows
 * (PostgreSQL row-level security, migration 0036). A staff or customer request opens a scope before its
 * guard runs; the guard names the account once the caller is known; the response ends it. Work outside
 * any account scope (jobs, batchers, claim loops, lookups that find the account) uses the owner
 * connection and keys every query by account in code.
 */
export interface AccountScope {
  accountId: string | undefined;
}

const scopes = new AsyncLocalStorage<AccountScope>();

/** Runs `fn` (and everything it starts) in a new scope with no account yet; returns the scope. */
export function openAccountScope(fn: () => void): AccountScope {
  const scope: AccountScope = { accountId: undefined };
  scopes.run(scope, fn);
  return scope;
}

/** Names the account of the current scope (a no-op outside one). */
export function enterAccount(accountId: string): void {
  const scope = scopes.getStore();
  if (scope) scope.accountId = accountId;
}

/** Runs `fn` confined to one account's rows, wherever it is called from. */
export function runAsAccount<T>(accountId: string, fn: () => T): T {
  return scopes.run({ accountId }, fn);
}

/**
 * Runs `fn` outside any account: for machinery a request may set off (a flush, a delivery kick) that
 * serves every account, so it must not inherit the request's confinement.
 */
export function runAsSystem<T>(fn: () => T): T {
  if (!scopes.getStore()?.accountId) return fn();
  return scopes.run({ accountId: undefined }, fn);
}

/** The account the current work is confined to, if any. */
export function scopedAccountId(): string | undefined {
  return scopes.getStore()?.accountId;
}
