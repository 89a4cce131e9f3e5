/**
 * Paging and filters of admin lists live in the URL (`?offset=25&limit=25&q=acme&status=active`), so a
 * list can be bookmarked, shared and restored with the back button.
 */
export interface ListSearch {
  offset?: number;
  limit?: number;
  q?: string;
  status?: string;
}

export const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

function nonNegativeInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function shortString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined;
}

/** Route `validateSearch` for list pages: drops anything malformed instead of failing the page. */
export function validateListSearch(search: Record<string, unknown>): ListSearch {
  const offset = nonNegativeInt(search.offset);
  const limit = nonNegativeInt(search.limit);
  const result: ListSearch = {};
  if (offset) result.offset = offset;
  if (limit && limit !== DEFAULT_LIMIT) result.limit = Math.min(Math.max(limit, 1), MAX_LIMIT);
  const q = shortString(search.q);
  if (q) result.q = q;
  const status = shortString(search.status);
  if (status) result.status = status;
  return result;
}
