import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openExportFile } from './file-reader.js';
import { BackupError } from './format.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('openExportFile refuses what is not an export, saying why', () => {
  const header = { format: 'keyward-export', schema_version: 'x', tables: [], total_rows: 0 };
  it.each([
    ['a missing file', () => path.join(dir, 'nope.gz'), /cannot read .*nope\.gz: ENOENT/],
    ['a directory', () => dir, /is a directory/],
    ['an empty file', () => file('empty.gz', ''), /empty\.gz is empty/],
    [
      'plain text',
      () => file('plain.txt', 'hello\n'),
      /plain\.txt is not a Keyward export file \(not gzip data\)$/,
    ],
    [
      'other JSON',
      () => file('other.gz', gzipSync('{"hello": "world"}\n')),
      /other\.gz is not a Keyward export file$/,
    ],
    [
      'binary',
      () => file('bin.gz', gzipSync(Buffer.alloc(2_000_000, 7))),
      /bin\.gz is not a Keyward export file$/,
    ],
    [
      'another format version',
      () => file('v99.gz', gzipSync(`${JSON.stringify({ ...header, format_version: 99 })}\n`)),
      /export format version 99; this Keyward reads version 1/,
    ],
    [
      'a damaged header',
      () => file('bad.gz', gzipSync(`${JSON.stringify({ ...header, format_version: 1, tables: 'x' })}\n`)),
      /bad\.gz has a damaged header/,
    ],
  ])('%s', async (_name, make, message) => {
    const err = await openExportFile(make()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackupError);
    expect((err as Error).message).toMatch(message);
  });

  it('a gzip stream cut short', async () => {
    const whole = gzipSync(
      `${JSON.stringify({ ...header, format_version: 1 })}\n${'{"x":1}\n'.repeat(50_000)}`,
    );
    const opened = await openExportFile(file('cut.gz', whole.subarray(0, whole.length - 100)));
    const drain = async () => {
      for (let n = await opened.lines.next(); !n.done; n = await opened.lines.next());
    };
    await expect(drain()).rejects.toThrow(/cut\.gz is truncated \(the compressed data ends too early\)/);
  });
});
