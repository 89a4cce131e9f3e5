import type { AppContext } from '../core/context.js';
import { notFound } from '../core/errors.js';
import type { TxSql } from '../db/database.js';
import { insertRow, updateRow } from '../db/patch.js';
import { recordEvent } from './record.js';

/** Who writes: a principal of the admin API (structurally: this folder sits below auth/). */
interface Writer {
  accountId: string;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string;
}

interface AuditedWrite {
  table: string;
  /** Event type, e.g. "customer.created"; the subject type is the part before the dot. */
  event: string;
  jsonColumns: readonly string[];
  ip: string | null;
}

/** The event of a write: its subject is the row, of the type the event's name starts with. */
function auditEvent(p: Writer, w: AuditedWrite, rowId: string, data: Record<string, unknown>) {
  return {
    accountId: p.accountId,
    type: w.event,
    actor: { type: p.actorType, id: p.actorId },
    subject: { type: w.event.split('.')[0]!, id: rowId },
    ip: w.ip,
    data,
  };
}

/**
 * Inserts an account-scoped row and its event in one transaction: the caller's `outer` one when given
 * (the row then commits with the caller's other changes).
 */
export function insertAudited<T extends { id: string }>(
  ctx: AppContext,
  p: Writer,
  w: AuditedWrite,
  values: Record<string, unknown>,
  data: (row: T) => Record<string, unknown> = () => ({}),
  outer?: TxSql,
): Promise<T> {
  const run = async (tx: TxSql) => {
    const row = await insertRow<T>(tx, w.table, p.accountId, values, w.jsonColumns);
    await recordEvent(tx, auditEvent(p, w, row.id, data(row)));
    return row;
  };
  return outer ? run(outer) : ctx.db.tx(run);
}

/** Updates the patched fields of an account-scoped row and records the event; 404 when not in the account. */
export function updateAudited<T extends { id: string }>(
  ctx: AppContext,
  p: Writer,
  w: AuditedWrite & { what: string },
  id: string,
  patch: Record<string, unknown>,
): Promise<T> {
  return ctx.db.tx(async (tx) => {
    const row = await updateRow<T>(tx, w.table, p.accountId, id, patch, w.jsonColumns);
    if (!row) throw notFound(w.what);
    await recordEvent(tx, auditEvent(p, w, row.id, { changed: Object.keys(patch) }));
    return row;
  });
}
