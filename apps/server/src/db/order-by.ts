import type { Queryable } from './database.js';

/**
 * `sort` like "-created_at" → `order by <column> desc, <id> desc`. Only whitelisted columns reach SQL;
 * the id tie-break keeps pages stable.
 */
export function orderBy(
  q: Queryable,
  sort: string | undefined,
  columns: Record<string, string>,
  fallback: string,
  idColumn = 'id',
) {
  const raw = sort ?? fallback;
  const desc = raw.startsWith('-');
  const column = columns[desc ? raw.slice(1) : raw] ?? columns[fallback.replace(/^-/, '')] ?? 'created_at';
  const dir = desc ? 'desc' : 'asc';
  return q.unsafe(`order by ${column} ${dir} nulls last, ${idColumn} ${dir}`);
}
