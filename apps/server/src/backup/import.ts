import { begin, type Database, type TxSql } from '../db/database.js';
import type { ExportFile } from './file-reader.js';
import { BackupError, type ExportHeader, ident, type SectionLine, type TableInfo } from './format.js';
import { type Progress, silentProgress } from './progress.js';
import { listTables, resetSequences, type SchemaTable, schemaVersion } from './schema.js';

/** Rows per INSERT, and a byte cap so a table of large rows does not build one huge statement. */
const BATCH_ROWS = 1000;
const BATCH_CHARS = 8_000_000;

export interface ImportOptions {
  /** The importing side's master-key check (key-check.ts); must match the file's. */
  keyCheck: string | null;
  progress?: Progress;
}

export interface ImportResult {
  header: ExportHeader;
  /** Rows now in each table, counted after loading. */
  tables: { name: string; rows: number }[];
}

/**
 * Loads an export into an empty, migrated database in one transaction: either everything is in, or
 * nothing is. Ids, timestamps, encrypted columns and the events hash chain are kept as they were.
 */
export async function importDatabase(
  db: Database,
  file: ExportFile,
  opts: ImportOptions,
): Promise<ImportResult> {
  const { header, source } = file;
  checkMasterKey(header, opts.keyCheck);
  const version = await schemaVersion(db.sql);
  if (version !== header.schema_version)
    throw new BackupError(
      `${source} was exported at schema ${header.schema_version} but this database is at ${version}; export and import with the same Keyward version`,
    );
  const progress = opts.progress ?? silentProgress;
  return begin(db.sql, async (tx) => {
    const tables = await listTables(tx);
    // Nothing else may write while we check that the target is empty and fill it.
    await tx.unsafe(`lock table ${tables.map((t) => ident(t.name)).join(', ')} in exclusive mode`);
    checkSameTables(tables, header, source);
    // Licenses arrive with their live-seat counters; the seat trigger must not count the seats again.
    await tx`select set_config('keyward.restoring', 'on', true)`;
    await checkEmpty(tx, tables);
    progress.start(header.total_rows);
    try {
      for (const info of header.tables) await loadTable(tx, file, info, progress);
    } finally {
      progress.stop();
    }
    await expectTrailer(file, header);
    const counts: ImportResult['tables'] = [];
    for (const info of header.tables) {
      const [row] = await tx.unsafe<{ n: string }[]>(`select count(*) as n from ${ident(info.name)}`);
      const rows = Number(row!.n);
      if (rows !== info.rows)
        throw new BackupError(`${info.name}: the export has ${info.rows} rows but ${rows} were loaded`);
      counts.push({ name: info.name, rows });
    }
    await resetSequences(tx, tables);

    return { header, tables: counts };
  });
}

function checkMasterKey(header: ExportHeader, local: string | null): void {
  if (!header.key_check || header.key_check === local) return;
  throw new BackupError(
    local === null
      ? 'no master key is configured: set KEYWARD_MASTER_KEY (or copy master.key into the data directory) to the key of the exporting server'
      : 'the export was made with a different master key: set KEYWARD_MASTER_KEY (or master.key) to the key of the exporting server, or its license and signing keys cannot be used',
  );
}

function checkSameTables(tables: SchemaTable[], header: ExportHeader, source: string): void {
  const target = new Map(tables.map((t) => [t.name, [...t.columns].sort().join(',')]));
  for (const t of header.tables) {
    if (target.get(t.name) !== [...t.columns].sort().join(','))
      throw new BackupError(`${source}: table ${t.name} does not match this database's schema`);
    target.delete(t.name);
  }
  const missing = [...target.keys()];
  if (missing.length) throw new BackupError(`${source} has no data for table ${missing.join(', ')}`);
}

async function checkEmpty(tx: TxSql, tables: SchemaTable[]): Promise<void> {
  for (const t of tables) {
    const [row] = await tx.unsafe<{ n: string }[]>(`select count(*) as n from ${ident(t.name)}`);
    if (Number(row!.n) > 0)
      throw new BackupError(
        `the target database is not empty (${t.name} has ${row!.n} rows); import only into a new, empty database`,
      );
  }
}

async function nextLine(file: ExportFile, where: string): Promise<string> {
  const next = await file.lines.next();
  if (next.done) throw new BackupError(`${file.source} is truncated (it ends ${where})`);
  return next.value;
}

function parseLine<T>(line: string, file: ExportFile, what: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new BackupError(`${file.source} is damaged (expected ${what})`);
  }
}

async function loadTable(tx: TxSql, file: ExportFile, info: TableInfo, progress: Progress): Promise<void> {
  const section = parseLine<SectionLine>(
    await nextLine(file, `before table ${info.name}`),
    file,
    `the start of ${info.name}`,
  );
  if (section.table !== info.name || section.rows !== info.rows)
    throw new BackupError(`${file.source} is damaged (expected table ${info.name}, found ${section.table})`);
  const columns = info.columns.map(ident).join(', ');
  // Rows stay text until PostgreSQL parses them: no JavaScript rounding of bigints or numerics.
  // OVERRIDING SYSTEM VALUE keeps identity ids (events.id) as exported.
  const insert = `insert into ${ident(info.name)} (${columns}) overriding system value
    select ${columns} from jsonb_populate_recordset(null::${ident(info.name)}, $1::text::jsonb)`;
  let batch: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      await tx.unsafe(insert, [`[${batch.join(',')}]`]);
    } catch (err) {
      throw new BackupError(
        `${file.source}: rows of ${info.name} could not be loaded (${(err as Error).message})`,
      );
    }
    progress.advance(info.name, batch.length);
    batch = [];
    chars = 0;
  };
  for (let i = 0; i < info.rows; i++) {
    const line = await nextLine(file, `in table ${info.name} after ${i} of ${info.rows} rows`);
    batch.push(line);
    chars += line.length;
    if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
  }
  await flush();
}

async function expectTrailer(file: ExportFile, header: ExportHeader): Promise<void> {
  const trailer = parseLine<{ end?: boolean; total_rows?: number }>(
    await nextLine(file, 'before its end marker'),
    file,
    'the end marker',
  );
  if (trailer.end !== true || trailer.total_rows !== header.total_rows)
    throw new BackupError(`${file.source} is damaged (bad end marker)`);
}
