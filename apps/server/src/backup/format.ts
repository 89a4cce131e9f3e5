/**
 * The export file (`keyward export`): gzip-compressed NDJSON, one JSON value per line.
 *
 *   line 1        header: format, format_version, schema_version (latest migration), created_at,
 *                 key_check, and per table its name, columns and row count — in foreign-key order
 *   per table     a section line `{"table": name, "rows": n}`, then exactly n row lines
 *   last line     `{"end": true, "total_rows": n}`: a file without it was cut short
 *
 * A row line is PostgreSQL's own `to_jsonb(row)`: timestamps keep their microseconds, bigints and
 * numerics their digits, jsonb stays jsonb. The importer never parses row lines in JavaScript (which
 * would round big numbers); it hands batches to PostgreSQL's `jsonb_populate_recordset`.
 *
 * Secrets are exported as stored: license keys and signing keys encrypted with the master key, API keys
 * and refresh tokens as keyed digests. `key_check` identifies that master key, so an import with another
 * key is refused instead of producing licenses nobody can validate.
 */

export const FORMAT = 'keyward-export';
export const FORMAT_VERSION = 1;

export interface TableInfo {
  name: string;
  columns: string[];
  rows: number;
}

export interface ExportHeader {
  format: typeof FORMAT;
  format_version: number;
  schema_version: string;
  created_at: string;
  /** Identifies the master key the secrets are encrypted with; null when the exporter had none. */
  key_check: string | null;
  tables: TableInfo[];
  total_rows: number;
}

export interface SectionLine {
  table: string;
  rows: number;
}

export interface TrailerLine {
  end: true;
  total_rows: number;
}

/** A problem with the file, the target or the options: shown to the user as one line, no stack trace. */
export class BackupError extends Error {}

/** Checks the first line of a file; throws a BackupError that says what is wrong with it. */
export function parseHeader(line: string | undefined, source: string): ExportHeader {
  let value: Partial<ExportHeader> | null = null;
  try {
    value = line === undefined ? null : (JSON.parse(line) as Partial<ExportHeader>);
  } catch {
    // not JSON: reported below
  }
  if (!value || typeof value !== 'object' || value.format !== FORMAT)
    throw new BackupError(`${source} is not a Keyward export file`);
  if (value.format_version !== FORMAT_VERSION)
    throw new BackupError(
      `${source} has export format version ${value.format_version}; this Keyward reads version ${FORMAT_VERSION}`,
    );
  const tablesOk =
    Array.isArray(value.tables) &&
    value.tables.every(
      (t) =>
        typeof t?.name === 'string' &&
        Array.isArray(t.columns) &&
        Number.isInteger(t.rows) &&
        (t.rows as number) >= 0,
    );
  if (typeof value.schema_version !== 'string' || !tablesOk || !Number.isInteger(value.total_rows))
    throw new BackupError(`${source} has a damaged header`);
  return value as ExportHeader;
}

/** Double-quoted SQL identifier (table and column names come from the catalogue, but stay quoted). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
