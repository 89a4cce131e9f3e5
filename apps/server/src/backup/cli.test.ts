import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runKeyward } from '../../test/support/cli.js';
import { freshCliTarget } from '../../test/support/fresh-database.js';
import { createAccount } from '../accounts/bootstrap.js';
import { migrate } from '../db/migrate.js';
import { loadDemoData } from '../first-run/service.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-backup-cli-'));
const KEY = { KEYWARD_MASTER_KEY: 'backup-cli-test-master-key-0123456789abcdef' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A refusal is one line on stderr, `keyward: …`, with a non-zero exit and no stack trace. */
function expectOneLineError(r: CliResult, message: RegExp) {
  expect(r.code, r.stdout + r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^keyward: /);
  expect(lines[0]).toMatch(message);
}

describe('keyward import / export: bad input', () => {
  // The file and the output path are checked before any database is opened, so these need none.
  const env = { ...KEY, DATABASE_URL: '', KEYWARD_DATA_DIR: path.join(dir, 'unused') };

  it('a missing file, an unwritable output, a missing --in: one clear line each, non-zero exit', async () => {
    const [missing, out, noIn] = await Promise.all([
      runKeyward(['import', '--in', path.join(dir, 'nope.gz')], env, dir),
      runKeyward(['export', '--out', path.join(dir, 'no-such-dir', 'x.gz')], env, dir),
      runKeyward(['import'], env, dir),
    ]);
    expectOneLineError(missing, /cannot read .*nope\.gz: ENOENT/);
    expectOneLineError(out, /cannot write .*x\.gz: ENOENT/);
    expect(noIn.code).not.toBe(0);
    expect(noIn.stderr).toMatch(/required option '--in <file>'/);
  }, 60_000);
});

describe('keyward export | import through the CLI, on the run database kind', () => {
  it('exports, imports into an empty database, and `events verify` passes on the import', async () => {
    const source = await freshCliTarget();
    const target = await freshCliTarget();
    try {
      const seeded = await source.open();
      try {
        await migrate(seeded.db);
        for (const slug of ['cli-one', 'cli-two']) {
          const { accountId } = await createAccount(seeded.db, {
            slug,
            name: slug,
            ownerEmail: `o@${slug}.test`,
            ownerPassword: 'a-long-password-1',
          });
          // A catalogue, so the round trip carries products and plans too.
          await loadDemoData(seeded.db, { accountId, actor: { type: 'system' } });
        }
      } finally {
        await seeded.close();
      }
      const file = path.join(dir, 'roundtrip.ndjson.gz');
      const exported = await runKeyward(['export', '--out', file], { ...KEY, ...source.env }, dir, 90_000);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toMatch(/accounts\s+2\n/);
      expect(exported.stderr).toMatch(/exported \d+ rows from \d+ tables \(schema \d{4}_\w+\)/);

      const imported = await runKeyward(['import', '--in', file], { ...KEY, ...target.env }, dir, 90_000);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/accounts\s+2\n/);
      expect(imported.stdout).toMatch(/imported \d+ rows into \d+ tables/);

      const verify = await runKeyward(['events', 'verify'], { ...KEY, ...target.env }, dir, 90_000);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/event log intact: [1-9]\d* events verified/);
    } finally {
      await source.drop();
      await target.drop();
    }
  }, 240_000);
});
