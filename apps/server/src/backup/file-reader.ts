import { createReadStream, statSync } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BackupError, type ExportHeader, parseHeader } from './format.js';

/** The header is small; a longer first line means the file is something else. */
const MAX_HEADER_CHARS = 1_000_000;
const MAX_LINE_CHARS = 256_000_000;

export interface ExportFile {
  /** What to call the file in messages. */
  source: string;
  header: ExportHeader;
  /** The lines after the header, without their newline. */
  lines: AsyncIterator<string>;
  close(): void;
}

/** Opens an export (`-` is standard input) and reads its header; bad files fail here with a BackupError. */
export async function openExportFile(file: string): Promise<ExportFile> {
  const source = file === '-' ? 'standard input' : file;
  let input: Readable = process.stdin;
  if (file !== '-') {
    let size: number;
    try {
      const stat = statSync(file);
      if (stat.isDirectory()) throw new BackupError(`${file} is a directory, not an export file`);
      size = stat.size;
    } catch (err) {
      if (err instanceof BackupError) throw err;
      throw new BackupError(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    if (size === 0) throw new BackupError(`${file} is empty, not a Keyward export file`);
    input = createReadStream(file);
  }
  // pipeline forwards a read error (or a gzip error) to the stream we iterate.
  const gunzip = pipeline(input, createGunzip(), () => {});
  gunzip.setEncoding('utf8');
  const lines = splitLines(gunzip, source);
  const close = () => {
    gunzip.destroy();
    if (input !== process.stdin) input.destroy();
  };
  try {
    const first = await lines.next();
    return { source, header: parseHeader(first.done ? undefined : first.value, source), lines, close };
  } catch (err) {
    close();
    throw err;
  }
}

async function* splitLines(stream: Readable, source: string): AsyncGenerator<string> {
  let rest = '';
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      rest += chunk;
      let start = 0;
      for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n', start)) {
        yield rest.slice(start, nl);
        start = nl + 1;
        first = false;
      }
      rest = rest.slice(start);
      if (rest.length > (first ? MAX_HEADER_CHARS : MAX_LINE_CHARS))
        throw new BackupError(first ? `${source} is not a Keyward export file` : `${source} is damaged`);
    }
  } catch (err) {
    throw err instanceof BackupError ? err : new BackupError(readError(err, source));
  }
  if (rest) yield rest;
}

function readError(err: unknown, source: string): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'Z_DATA_ERROR' && /incorrect header check/.test(e.message))
    return `${source} is not a Keyward export file (not gzip data)`;
  if (e.code === 'Z_BUF_ERROR') return `${source} is truncated (the compressed data ends too early)`;
  if (e.code?.startsWith('Z_')) return `${source} is damaged (${e.message})`;
  return `cannot read ${source}: ${e.message}`;
}
