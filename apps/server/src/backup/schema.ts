import type { Queryable } from '../db/database.js';
import { BackupError, ident } from './format.js';

/** Left to the migrator: the target gets it from running the migrations, not from the file. */
const SKIPPED: ReadonlySet<string> = new Set([
  'schema_migrations',
  'idempotency_keys',
  'offline_request_nonces',
  // The target records its own master-key check and its own running processes (migration 0027).
  'master_key_check',
  'server_processes',
]);

export interface SchemaTable {
  name: string;
  /** Columns a row can be inserted with (stored generated columns are left out). */
  columns: string[];
  /** Primary-key columns, to export rows in a stable order. */
  primaryKey: string[];
}

/**
 * Every table of the current schema, read from the catalogue (so a new migration needs no change here),
 * ordered so that a table comes after the tables its foreign keys point to.
 */
export async function listTables(q: Queryable): Promise<SchemaTable[]> {
  const rows = await q<{ name: string; columns: string[]; primary_key: string[] | null }[]>`
    select c.relname as name,
      (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns,
      (select array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum))
        from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = c.oid and i.indisprimary) as primary_key
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r' and not c.relispartition`;
  const deps = await q<{ child: string; parent: string }[]>`
    select distinct c.relname as child, p.relname as parent
    from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_class p on p.oid = k.confrelid
      join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = current_schema() and c.oid <> p.oid`;
  const tables = new Map(
    rows
      .filter((r) => !SKIPPED.has(r.name))
      .map((r) => [r.name, { name: r.name, columns: r.columns, primaryKey: r.primary_key ?? [] }]),
  );
  return foreignKeyOrder(
    tables,
    deps.filter((d) => tables.has(d.child) && tables.has(d.parent)),
  );
}

/** Topological order (Kahn), alphabetical among equals so two exports of one schema list tables alike. */
function foreignKeyOrder(
  tables: Map<string, SchemaTable>,
  deps: { child: string; parent: string }[],
): SchemaTable[] {
  const waiting = new Map([...tables.keys()].map((name) => [name, new Set<string>()]));
  for (const d of deps) waiting.get(d.child)!.add(d.parent);
  const ordered: SchemaTable[] = [];
  while (waiting.size > 0) {
    const ready = [...waiting].filter(([, parents]) => parents.size === 0).map(([name]) => name);
    if (ready.length === 0)
      throw new BackupError(`foreign keys form a cycle between ${[...waiting.keys()].join(', ')}`);
    for (const name of ready.sort()) {
      ordered.push(tables.get(name)!);
      waiting.delete(name);
      for (const parents of waiting.values()) parents.delete(name);
    }
  }
  return ordered;
}

/** The latest applied migration: exports and imports must agree on it. */
export async function schemaVersion(q: Queryable): Promise<string> {
  const [row] = await q<{ v: string | null }[]>`select max(version) as v from schema_migrations`;
  if (!row?.v) throw new BackupError('the database has no migrations applied');
  return row.v;
}

/**
 * Moves every sequence owned by a column (identity and serial) past the highest imported value, so new
 * rows do not collide with imported ids.
 */
export async function resetSequences(q: Queryable, tables: SchemaTable[]): Promise<void> {
  const names = tables.map((t) => t.name);
  const owned = await q<{ table: string; column: string; seq: string }[]>`
    select * from (
      select c.relname::text as table, a.attname::text as column,
        pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) as seq
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = current_schema() and c.relname = any(${names})) s
    where seq is not null`;
  for (const o of owned) {
    await q.unsafe(
      `select setval($1, coalesce((select max(${ident(o.column)}) from ${ident(o.table)}), 0) + 1, false)`,
      [o.seq],
    );
  }
}
