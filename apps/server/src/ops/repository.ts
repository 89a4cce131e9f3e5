import type { Queryable } from '../db/database.js';

/** Licenses per stored status and the seats they hold, across the deployment (for /metrics). */
export function licenseFigures(q: Queryable) {
  return q<{ status: string; licenses: number; seats: number }[]>`
    select status, count(*)::int as licenses, coalesce(sum(active_seats), 0)::int as seats
    from licenses group by status`;
}

/** Job runs per queue and state that are not yet archived. */
export function jobFigures(q: Queryable) {
  return q<{ name: string; state: string; runs: number }[]>`
    select name, state::text as state, count(*)::int as runs from pgboss.job
    where state in ('created', 'retry', 'active', 'failed') group by name, state`;
}
