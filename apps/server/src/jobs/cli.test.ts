import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKeyward } from '../../test/support/cli.js';
import { freshCliTarget } from '../../test/support/fresh-database.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-jobs-cli-'));
const KEY = { KEYWARD_MASTER_KEY: 'jobs-cli-test-master-key-0123456789abcdef' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keyward jobs', () => {
  it('runs a job here and prints its summary, lists the jobs with that run, refuses an unknown job', async () => {
    const target = await freshCliTarget();
    try {
      const env = { ...KEY, ...target.env };
      const ran = await runKeyward(['jobs', 'run', 'lifecycle'], env, dir, 90_000);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toMatch(
        /^lifecycle completed: \{"expired":0,"notices":0,"subscriptions":\{[^}]*\},"renewal_orders":0\}$/m,
      );

      const listed = await runKeyward(['jobs', 'list'], env, dir, 90_000);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^job\s+schedule \(UTC\)\s+last run\s+next run/m);
      expect(listed.stdout).toMatch(/^lifecycle\s+\*\/5 \* \* \* \*\s+completed \d{4}-\d\d-\d\d /m);
      expect(listed.stdout).toMatch(/^release-lapsed-leases\s+\* \* \* \* \*\s+never/m);

      const unknown = await runKeyward(['jobs', 'run', 'no-such-job'], env, dir, 90_000);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim()).toMatch(/^keyward: no job "no-such-job"; the jobs are lifecycle, /);
    } finally {
      await target.drop();
    }
  }, 240_000);
});
