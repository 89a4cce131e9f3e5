import { mapInSlices } from '../core/slices.js';
import { commitBuffer, type Queryable } from '../db/database.js';
import { rowHash } from './hash.js';
import { insertEvent, insertEvents, type NewEventRow } from './repository.js';

/** Who did it: a staff user, an API key, a licensed app (license/activation), or the system (jobs). */
export interface Actor {
  type: 'user' | 'api_key' | 'license' | 'activation' | 'customer' | 'system' | 'anonymous';
  id?: string | null;
}

export interface NewEvent {
  accountId: string;
  type: string;
  actor: Actor;
  subject?: { type: string; id: string } | null;
  ip?: string | null;
  requestId?: string | null;
  data?: Record<string, unknown>;
}

/** The stored row of an event, its hash included; `recordEvent` inserts it, SQL functions may too. */
export function eventRow(e: NewEvent) {
  const row = {
    account_id: e.accountId,
    type: e.type,
    actor_type: e.actor.type,
    actor_id: e.actor.id ?? null,
    subject_type: e.subject?.type ?? null,
    subject_id: e.subject?.id ?? null,
    ip: e.ip ?? null,
    data: e.data ?? {},
    created_at: new Date(),
  };
  return { ...row, request_id: e.requestId ?? null, row_hash: rowHash(row) };
}

/**
 * Appends an event. Call it with the transaction that makes the change, so the change and its
 * event commit together. The row hash is computed here; the chain is sealed shortly after (see seal.ts).
 */
export async function recordEvent(q: Queryable, e: NewEvent): Promise<void> {
  const r = eventRow(e);
  const held = commitBuffer<NewEventRow>(q, HELD_EVENTS, (rows) =>
    rows.length === 1 ? insertEvent(q, rows[0]!) : insertEvents(q, rows),
  );
  if (held) held.push(r);
  else await insertEvent(q, r);
}

/**
 * The events of an open transaction are held until it commits and then inserted together: one
 * statement (and one run of the log's fan-out trigger) instead of one per event. A checkout records seven.
 */
const HELD_EVENTS = Symbol('keyward.heldEvents');

/** Appends many events in one statement, with the transaction that makes their changes. */
export async function recordEvents(q: Queryable, events: NewEvent[]): Promise<void> {
  await insertEvents(q, await mapInSlices(events, HASH_SLICE, eventRow));
}

/** Rows hashed between turns of the event loop (about 1 ms of work). */
const HASH_SLICE = 50;
