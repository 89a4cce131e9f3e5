import type { Queryable } from '../db/database.js';
import type { HashedEventFields } from './hash.js';
import type { EventFilter } from './schemas.js';

/** An event as stored, with its hash and its place in the account's chain. */
export interface EventRow extends HashedEventFields {
  id: string;
  row_hash: string;
  chain_seq: string;
  chain_hash: string;
}

/** What the API shows of an event. */
const COLUMNS =
  'id::text as id, type, actor_type, actor_id, subject_type, subject_id, ip, request_id, data, created_at, chain_seq is not null as sealed';

/** A new event row, hashed (`eventRow` in record.ts builds it). */
export interface NewEventRow extends HashedEventFields {
  request_id: string | null;
  row_hash: string;
}

export async function insertEvent(q: Queryable, r: NewEventRow): Promise<void> {
  await q`
    insert into events (account_id, type, actor_type, actor_id, subject_type, subject_id, ip, request_id, data, created_at, row_hash)
    values (${r.account_id}, ${r.type}, ${r.actor_type}, ${r.actor_id}, ${r.subject_type}, ${r.subject_id},
            ${r.ip}, ${r.request_id}, ${q.json(r.data as never)}, ${r.created_at}, ${r.row_hash})`;
}

/** Many events in one statement (a batch of a job's changes). */
export async function insertEvents(q: Queryable, rows: NewEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await q`
    insert into events (account_id, type, actor_type, actor_id, subject_type, subject_id, ip, request_id, data, created_at, row_hash)
    select account_id, type, actor_type, actor_id, subject_type, subject_id, ip, request_id, data, created_at, row_hash
    from jsonb_to_recordset(${q.json(rows as never)}) as r(account_id uuid, type text, actor_type text,
      actor_id text, subject_type text, subject_id text, ip text, request_id text, data jsonb,
      created_at timestamptz, row_hash text)`;
}

/** A page of the account's events, newest first, with one look-ahead row. */
export function searchEvents(q: Queryable, accountId: string, f: EventFilter) {
  const { limit, offset, type, subject_id, actor_id, since, until } = f;
  const typeFilter = !type
    ? q``
    : type.endsWith('*')
      ? q`and type like ${`${type.slice(0, -1).replace(/[%_]/g, '\\$&')}%`}`
      : q`and type = ${type}`;
  return q`select ${q.unsafe(COLUMNS)} from events where account_id = ${accountId}
    ${typeFilter} ${subject_id ? q`and subject_id = ${subject_id}` : q``} ${actor_id ? q`and actor_id = ${actor_id}` : q``}
    ${since ? q`and created_at >= ${since}` : q``} ${until ? q`and created_at < ${until}` : q``}
    order by id desc limit ${limit + 1} offset ${offset}`;
}

export async function findEvent(q: Queryable, accountId: string, id: string) {
  const [row] =
    await q`select ${q.unsafe(COLUMNS)} from events where account_id = ${accountId} and id = ${id}`;
  return row;
}

/** Accounts with events not yet in their chain. */
export function accountsWithUnsealedEvents(q: Queryable) {
  return q<{ account_id: string }[]>`select distinct account_id from events where chain_seq is null`;
}

export function accountsWithEvents(q: Queryable) {
  return q<{ account_id: string }[]>`select distinct account_id from events`;
}

/** Takes the account's sealing lock for this transaction unless another sealer holds it. */
export async function trySealLock(q: Queryable, accountId: string): Promise<boolean> {
  const [lock] = await q<
    { ok: boolean }[]
  >`select pg_try_advisory_xact_lock(hashtext(${`events:${accountId}`})) as ok`;
  return lock?.ok === true;
}

/** The last sealed link of the account's chain. */
export async function lastChainLink(q: Queryable, accountId: string) {
  const [last] = await q<{ chain_seq: string; chain_hash: string }[]>`
    select chain_seq, chain_hash from events where account_id = ${accountId} and chain_seq is not null
    order by chain_seq desc limit 1`;
  return last;
}

export function unsealedEvents(q: Queryable, accountId: string, limit: number) {
  return q<{ id: string; row_hash: string }[]>`
    select id, row_hash from events where account_id = ${accountId} and chain_seq is null order by id limit ${limit}`;
}

/** Writes the chain positions and hashes of a batch of events in one statement. */
export async function writeChainLinks(
  q: Queryable,
  ids: string[],
  seqs: number[],
  hashes: string[],
): Promise<void> {
  await q`
    update events e set chain_seq = v.seq, chain_hash = v.hash
    from (select unnest(${ids}::bigint[]) as id, unnest(${seqs}::bigint[]) as seq, unnest(${hashes}::text[]) as hash) v
    where e.id = v.id`;
}

/** The account's sealed events after chain position `after`, in chain order. */
export function chainAfter(q: Queryable, accountId: string, after: number, limit: number) {
  return q<EventRow[]>`
    select id, account_id, type, actor_type, actor_id, subject_type, subject_id, ip, data, created_at,
           row_hash, chain_seq, chain_hash
    from events where account_id = ${accountId} and chain_seq > ${after} order by chain_seq limit ${limit}`;
}
