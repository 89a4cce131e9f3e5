import { createWriteStream, openSync, renameSync, rmSync } from 'node:fs';
import { exportDatabase } from '../backup/export.js';
import { openExportFile } from '../backup/file-reader.js';
import { BackupError } from '../backup/format.js';
import { importDatabase } from '../backup/import.js';
import { masterKeyCheck } from '../backup/key-check.js';
import { stderrProgress } from '../backup/progress.js';
import type { Config } from '../config/config.js';
import { openDatabase } from '../db/open.js';
import { migrateChecked } from '../startup/master-key-check.js';

const toStderr = (m: string) => console.error(m);

/** `keyward export --out FILE|-`: every table to one gzip'd NDJSON file (see backup/format.ts). */
export async function exportCommand(config: Config, opts: { out: string }): Promise<void> {
  const toStdout = opts.out === '-';
  if (toStdout && process.stdout.isTTY)
    throw new BackupError(
      'refusing to write compressed data to a terminal: use --out FILE or redirect stdout',
    );
  // Written under a temporary name and renamed at the end: a failed export never looks like a good one.
  const partial = `${opts.out}.partial-${process.pid}`;
  const out = toStdout ? process.stdout : openOutput(partial, opts.out);
  let done = false;
  try {
    const opened = await openDatabase(config, toStderr);
    try {
      await migrateChecked(opened.db, masterKeyCheck(config), toStderr);
      const header = await exportDatabase(opened.db, out, {
        keyCheck: masterKeyCheck(config),
        progress: stderrProgress('export'),
      });
      if (!toStdout) renameSync(partial, opts.out);
      done = true;
      for (const t of header.tables) console.error(`  ${t.name.padEnd(20)} ${t.rows}`);
      console.error(
        `exported ${header.total_rows} rows from ${header.tables.length} tables (schema ${header.schema_version}) to ${toStdout ? 'standard output' : opts.out}`,
      );
      if (header.key_check === null)
        console.error('warning: no master key was found; keep the key the server uses with this file');
    } finally {
      await opened.close();
    }
  } finally {
    if (!done && out !== process.stdout) {
      out.destroy();
      rmSync(partial, { force: true });
    }
  }
}

function openOutput(partial: string, target: string) {
  try {
    // Owner-only: the file holds encrypted secrets and digests.
    return createWriteStream('', { fd: openSync(partial, 'w', 0o600) });
  } catch (err) {
    throw new BackupError(
      `cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** `keyward import --in FILE|-`: loads an export into an empty database (migrated first, like `migrate`). */
export async function importCommand(config: Config, opts: { in: string }): Promise<void> {
  // The file is checked before the database is opened: a wrong file fails fast and touches nothing.
  const file = await openExportFile(opts.in);
  try {
    const opened = await openDatabase(config, toStderr);
    try {
      await migrateChecked(opened.db, masterKeyCheck(config), (m) => console.log(m));
      const result = await importDatabase(opened.db, file, {
        keyCheck: masterKeyCheck(config),
        progress: stderrProgress('import'),
      });
      for (const t of result.tables) console.log(`  ${t.name.padEnd(20)} ${t.rows}`);
      const total = result.tables.reduce((sum, t) => sum + t.rows, 0);
      console.log(
        `imported ${total} rows into ${result.tables.length} tables from ${file.source} (exported ${result.header.created_at}, schema ${result.header.schema_version})`,
      );
      if (result.header.key_check === null)
        console.log(
          'warning: the export does not say which master key it needs; run the server with the key of the exporting server',
        );
    } finally {
      await opened.close();
    }
  } finally {
    file.close();
  }
}
