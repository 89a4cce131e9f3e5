import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { begin, type Database, type TxSql } from '../db/database.js';
import {
  BackupError,
  type ExportHeader,
  FORMAT,
  FORMAT_VERSION,
  ident,
  type SectionLine,
  type TableInfo,
  type TrailerLine,
} from './format.js';
import { type Progress, silentProgress } from './progress.js';
import { listTables, type SchemaTable, schemaVersion } from './schema.js';

/** Rows fetched per cursor round trip: large enough to be fast, small enough to keep memory flat. */
const CURSOR_BATCH = 1000;

export interface ExportOptions {
  keyCheck: string | null;
  progress?: Progress;
}

/**
 * Writes every table to `out` as a gzip'd NDJSON export (see format.ts). One read-only repeatable-read
 * transaction: the counts in the header and the rows that follow come from the same snapshot, even while
 * servers keep writing. Rows stream through a cursor, so memory does not grow with the table.
 */
export async function exportDatabase(
  db: Database,
  out: NodeJS.WritableStream,
  opts: ExportOptions,
): Promise<ExportHeader> {
  const progress = opts.progress ?? silentProgress;
  return begin(
    db.sql,
    async (tx) => {
      const tables = await listTables(tx);
      const infos: TableInfo[] = [];
      for (const t of tables) {
        const [count] = await tx.unsafe<{ n: string }[]>(`select count(*) as n from ${ident(t.name)}`);
        infos.push({ name: t.name, columns: t.columns, rows: Number(count!.n) });
      }
      const header: ExportHeader = {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        schema_version: await schemaVersion(tx),
        created_at: new Date().toISOString(),
        key_check: opts.keyCheck,
        tables: infos,
        total_rows: infos.reduce((sum, t) => sum + t.rows, 0),
      };
      progress.start(header.total_rows);
      try {
        await pipeline(Readable.from(lines(tx, tables, header, progress)), createGzip(), out);
      } finally {
        progress.stop();
      }
      return header;
    },
    'isolation level repeatable read read only',
  );
}

async function* lines(
  tx: TxSql,
  tables: SchemaTable[],
  header: ExportHeader,
  progress: Progress,
): AsyncGenerator<string> {
  yield `${JSON.stringify(header)}\n`;
  for (const [i, t] of tables.entries()) {
    const expected = header.tables[i]!.rows;
    const section: SectionLine = { table: t.name, rows: expected };
    yield `${JSON.stringify(section)}\n`;
    // Primary-key order: stable output, and events come out in id (= chain) order.
    const order = t.primaryKey.length
      ? ` order by ${t.primaryKey.map((c) => `r.${ident(c)}`).join(', ')}`
      : '';
    // `r.*` is the whole row even if a column happens to be called r.
    const query = tx.unsafe<{ line: string }[]>(
      `select to_jsonb(r.*)::text as line from ${ident(t.name)} r${order}`,
    );
    let written = 0;
    for await (const batch of query.cursor(CURSOR_BATCH)) {
      yield `${batch.map((b) => b.line).join('\n')}\n`;
      written += batch.length;
      progress.advance(t.name, batch.length);
    }
    if (written !== expected)
      throw new BackupError(`${t.name}: counted ${expected} rows but read ${written} in the same snapshot`);
  }
  const trailer: TrailerLine = { end: true, total_rows: header.total_rows };
  yield `${JSON.stringify(trailer)}\n`;
}
