import type postgres from 'postgres';

/** The role the server's account-scoped work runs as: no BYPASSRLS, not the tables' owner (migration 0036). */
export const APP_ROLE = 'keyward_app';

type Sql = postgres.Sql;
type TxSql = postgres.TransactionSql;
type Begin = <T>(fn: (tx: TxSql) => Promise<T>) => Promise<T>;

/** Starts a transaction confined to `accountId`: the setting goes out in the same write as the first query. */
export function beginAsAccount<T>(
  begin: Begin,
  accountId: string,
  fn: (tx: TxSql) => Promise<T>,
): Promise<T> {
  return begin((tx) => {
    void tx`select set_config('keyward.account_id', ${accountId}, true)`.execute();
    return fn(tx);
  });
}

/**
 * A `Sql` whose queries run as the app role, each in its own transaction confined to `accountId`.
 * Queries stay lazy postgres.js queries (usable as fragments of another query); only awaiting one runs it,
 * through the account's transaction. Helpers (`sql(rows)`, `sql.json`, …) are the owner pool's: they build
 * values, not queries.
 */
export function accountSql(owner: Sql, appBegin: Begin, accountId: string): Sql {
  const confine = <Q extends object>(query: Q, run: (tx: TxSql) => Promise<unknown>): Q => {
    const result = () => beginAsAccount(appBegin, accountId, run);
    return Object.defineProperties(query, {
      // biome-ignore lint/suspicious/noThenProperty: a postgres.js query is a lazy thenable; awaiting it must run it confined
      then: {
        value: (ok?: (v: unknown) => unknown, ko?: (e: unknown) => unknown) => result().then(ok, ko),
      },
      catch: { value: (ko?: (e: unknown) => unknown) => result().catch(ko) },
      finally: { value: (f?: () => void) => result().finally(f) },
    });
  };
  const call = owner as unknown as (...args: unknown[]) => unknown;
  const confined = (first: unknown, ...rest: never[]) => {
    if (!Array.isArray((first as TemplateStringsArray | undefined)?.raw)) return call(first, ...rest); // a helper
    const strings = first as TemplateStringsArray;
    return confine(owner(strings, ...rest), (tx) => tx(strings, ...rest));
  };
  const unsafe = (text: string, params?: never[], options?: never) =>
    confine(owner.unsafe(text, params, options), (tx) => tx.unsafe(text, params, options));
  const begin = (fn: (tx: TxSql) => Promise<unknown>) => beginAsAccount(appBegin, accountId, fn);
  return new Proxy(confined, {
    get(_target, prop) {
      if (prop === 'unsafe') return unsafe;
      if (prop === 'begin') return begin;
      return Reflect.get(owner, prop);
    },
  }) as unknown as Sql;
}
