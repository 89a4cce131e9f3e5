import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The house rules of ARCHITECTURE.md, checked on the source text so a change that breaks one fails CI.

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function tsFiles(dir: string, tests: boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full, tests);
    return entry.name.endsWith('.ts') && entry.name.endsWith('.test.ts') === tests ? [full] : [];
  });
}
const sourceFiles = () => tsFiles(SRC, false);

const files = sourceFiles().map((file) => ({
  file: path.relative(SRC, file).split(path.sep).join('/'),
  text: readFileSync(file, 'utf8'),
}));

/** Lines (1-based) of `text` that match `pattern`, as "file:line: text". */
function hits(file: string, text: string, pattern: RegExp): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('the house rules', () => {
  it('tagged SQL appears only in repositories, db/, backup/ and the bus', () => {
    const allowed = (file: string) =>
      /(^|\/)(repository|[a-z-]+-repository)\.ts$/.test(file) ||
      file.startsWith('db/') ||
      file.startsWith('backup/') ||
      file === 'core/bus.ts';
    // sql`…`, tx<Row[]>`…`, q`…`, db.sql`…` (type arguments may span lines), and .unsafe(
    const tagged = /\b(sql|tx|db|q|conn)\s*(<[^`;]*>)?\s*`|\.unsafe\(/;
    const offenders = files
      .filter((f) => !allowed(f.file))
      .flatMap((f) => {
        const found = tagged.test(f.text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''));
        return found ? [f.file] : [];
      });
    expect(offenders).toEqual([]);
  });

  it('no module-level mutable state: no top-level let/var, Map, WeakMap or empty collection', () => {
    const offenders = files.flatMap((f) =>
      hits(
        f.file,
        f.text,
        /^(export )?(let|var) |^(export )?const \w+(: [^=]+)? = new (Map|WeakMap|WeakSet)\b|^(export )?const \w+(: [^=]+)? = (\[\]|\{\}|new Set\(\));/,
      ).concat(
        // A top-level Set is a constant lookup table only when typed read-only.
        hits(f.file, f.text, /^(export )?const \w+ = new Set\(/),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('domain code does not import from http/: only routes, schemas and the guard face HTTP', () => {
    const facesHttp = (file: string) =>
      file.startsWith('http/') ||
      file.startsWith('app/') ||
      /(^|\/)(routes|[a-z-]+-routes|schemas|guard)\.ts$/.test(file);
    const offenders = files
      .filter((f) => !facesHttp(f.file))
      .flatMap((f) => hits(f.file, f.text, /from '\.\.\/http\//));
    expect(offenders).toEqual([]);
  });

  it('nothing below app/ imports the composition root', () => {
    const offenders = files
      .filter((f) => !f.file.startsWith('app/') && !f.file.startsWith('cli/'))
      .flatMap((f) => hits(f.file, f.text, /from '\.\.\/app\//));
    expect(offenders).toEqual([]);
  });

  it('test files set their servers up with useServer(), not a header of their own', () => {
    const tests = [...tsFiles(SRC, true), ...tsFiles(path.resolve(SRC, '../test'), true)];
    // A server started inside a test body (a restart, a second process) is not a header.
    const offenders = tests.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/beforeAll\(/g)].some((m) =>
        /startTestServer\(/.test(text.slice(m.index, m.index + 400)),
      );
    });
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
