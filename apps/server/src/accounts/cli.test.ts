import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKeyward } from '../../test/support/cli.js';
import { freshCliTarget } from '../../test/support/fresh-database.js';
import { migrate } from '../db/migrate.js';
import { createAccount } from './bootstrap.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-accounts-cli-'));
const KEY = { KEYWARD_MASTER_KEY: 'accounts-cli-test-master-key-0123456789ab' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keyward accounts', () => {
  it('creates, lists and disables accounts, only with KEYWARD_MULTI_ACCOUNT=true', async () => {
    const target = await freshCliTarget();
    try {
      // The first account, as the server's first start makes it.
      const opened = await target.open();
      await migrate(opened.db);
      await createAccount(opened.db, { slug: 'default', name: 'Default', ownerEmail: 'op@example.com' });
      await opened.close();
      const create = ['accounts', 'create', '--slug', 'acme', '--owner-email', 'Boss@Acme.test'];

      const off = await runKeyward(create, { ...KEY, ...target.env }, dir, 90_000);
      expect(off.code).toBe(1);
      expect(off.stderr).toContain('set KEYWARD_MULTI_ACCOUNT=true');

      const env = { ...KEY, ...target.env, KEYWARD_MULTI_ACCOUNT: 'true' };
      const made = await runKeyward([...create, '--name', 'Acme Ltd'], env, dir, 90_000);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toMatch(/^account acme \([0-9a-f-]{36}\) created$/m);
      expect(made.stdout).toContain('owner boss@acme.test signs in with account "acme"');
      expect(made.stdout).toMatch(/^password: \S{16}$/m);

      const disabled = await runKeyward(['accounts', 'disable', 'acme'], env, dir, 90_000);
      expect(disabled.code, disabled.stderr).toBe(0);
      expect(disabled.stdout.trim()).toBe('account acme is disabled');

      const listed = await runKeyward(['accounts', 'list'], env, dir, 90_000);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^slug\s+id\s+status\s+users\s+licenses\s+created$/m);
      expect(listed.stdout).toMatch(/^default\s+\S{36}\s+active\s+1\s+0\s+\d{4}-\d\d-\d\d$/m);
      expect(listed.stdout).toMatch(/^acme\s+\S{36}\s+disabled\s+1\s+0\s+\d{4}-\d\d-\d\d$/m);
    } finally {
      await target.drop();
    }
  }, 240_000);
});
