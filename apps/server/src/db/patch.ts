import type { Queryable } from './database.js';

/** The validated patch with JSON columns wrapped (arrays would otherwise become PostgreSQL arrays). */
function patchValues(q: Queryable, patch: Record<string, unknown>, jsonColumns: readonly string[]) {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  return Object.fromEntries(
    entries.map(([k, v]) => [k, jsonColumns.includes(k) && v !== null ? q.json(v as never) : v]),
  );
}

/** `insert into <table> (…) values (…) returning *` for a validated body plus `account_id`. */
export async function insertRow<T extends object>(
  q: Queryable,
  table: string,
  accountId: string,
  values: Record<string, unknown>,
  jsonColumns: readonly string[],
): Promise<T> {
  const row = { account_id: accountId, ...patchValues(q, values, jsonColumns) };
  const [inserted] = await q<
    T[]
  >`insert into ${q(table)} ${q(row as unknown as Record<string, never>)} returning *`;
  return inserted!;
}

/** Updates the fields in `patch` of one account-scoped row; undefined when the row is not in the account. */
export async function updateRow<T extends object>(
  q: Queryable,
  table: string,
  accountId: string,
  id: string,
  patch: Record<string, unknown>,
  jsonColumns: readonly string[],
): Promise<T | undefined> {
  const values = patchValues(q, patch, jsonColumns) as Record<string, never>;
  // postgres.js expands `set ${q(values)}` into "a = $1, b = $2" only directly after the `set` keyword.
  const [row] = await q<T[]>`update ${q(table)} set ${q(values)}, updated_at = now()
    where account_id = ${accountId} and id = ${id} returning *`;
  return row;
}

/** Whether `id` names a row of `table` in the account (a reference a body may carry). */
export async function existsInAccount(
  q: Queryable,
  table: string,
  accountId: string,
  id: string,
): Promise<boolean> {
  const [row] = await q`select 1 from ${q(table)} where account_id = ${accountId} and id = ${id}`;
  return row !== undefined;
}
