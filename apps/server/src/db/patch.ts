import type { Queryable } from './database.js';

/**
 * `set a = $1, b = $2 …` for the keys present in `patch`. Columns listed in `jsonColumns` are sent as
 * JSON (arrays would otherwise become PostgreSQL arrays). Keys come from validated schemas only.
 */
export function setClause(q: Queryable, patch: Record<string, unknown>, jsonColumns: readonly string[]) {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  const values = Object.fromEntries(
    entries.map(([k, v]) => [k, jsonColumns.includes(k) && v !== null ? q.json(v as never) : v]),
  );
  return q`${q(values as Record<string, never>, ...(entries.map(([k]) => k) as never[]))}, updated_at = now()`;
}

/** `insert into <table> (…) values (…) returning *` for a validated body plus `account_id`. */
export async function insertRow<T extends object>(
  q: Queryable,
  table: string,
  accountId: string,
  values: Record<string, unknown>,
  jsonColumns: readonly string[],
): Promise<T> {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined);
  const row = Object.fromEntries([
    ['account_id', accountId],
    ...entries.map(([k, v]) => [k, jsonColumns.includes(k) && v !== null ? q.json(v as never) : v]),
  ]);
  const [inserted] = await q<T[]>`insert into ${q(table)} ${q(row as Record<string, never>)} returning *`;
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
  const [row] = await q<
    T[]
  >`update ${q(table)} set ${setClause(q, patch, jsonColumns)} where account_id = ${accountId} and id = ${id} returning *`;
  return row;
}
