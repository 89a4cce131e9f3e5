import type { AppContext } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { findEvent, searchEvents } from './repository.js';
import type { EventFilter } from './schemas.js';

/** A page of the account's audit log (rows plus one look-ahead row), newest first. */
export function listEvents(ctx: AppContext, accountId: string, filter: EventFilter) {
  return searchEvents(ctx.db.sql, accountId, filter);
}

export async function getEvent(ctx: AppContext, accountId: string, id: string) {
  const row = await findEvent(ctx.db.sql, accountId, id);
  if (!row) throw notFound('Event');
  return row;
}
