import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activate, createCustomer, issueLicense } from '../../test/support/fixtures.js';
import { type FreshDatabase, freshDatabase } from '../../test/support/fresh-database.js';
import { testConfig, useServer } from '../../test/support/server.js';
import { startServer } from '../app/server.js';
import type { Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { verifyEvents } from '../events/verify.js';
import { exportDatabase } from './export.js';
import { openExportFile } from './file-reader.js';
import { BackupError, type ExportHeader, ident } from './format.js';
import { importDatabase } from './import.js';
import { masterKeyCheck } from './key-check.js';
import { listTables } from './schema.js';

const world = useServer();
let target: FreshDatabase;
let dir: string;
let file: string;
let header: ExportHeader;
const keys: string[] = [];

beforeAll(async () => {
  target = await freshDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'keyward-export-'));
  file = path.join(dir, 'keyward.ndjson.gz');
});
afterAll(async () => {
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of the account in every table, as PostgreSQL renders it (microseconds, exact numbers). */
async function accountRows(db: Database, accountId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await listTables(db.sql)) {
    if (!t.columns.includes('account_id')) continue;
    const order = t.primaryKey.map((c) => `r.${ident(c)}`).join(', ') || '1';
    const rows = await db.sql.unsafe<{ line: string }[]>(
      `select to_jsonb(r.*)::text as line from ${ident(t.name)} r where account_id = $1 order by ${order}`,
      [accountId],
    );
    out[t.name] = rows.map((r) => r.line);
  }
  return out;
}

async function rewrite(name: string, edit: (lines: string[]) => string[]): Promise<string> {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
  const out = path.join(dir, name);
  writeFileSync(out, gzipSync(`${edit(lines).join('\n')}\n`));
  return out;
}

describe('export then import into an empty database', () => {
  it('reproduces every table: counts, rows, ids, timestamps, encrypted keys and the event chain', async () => {
    const plan = (await issueLicense(world.server, world.account)).plan_id;
    const customer = await createCustomer(world.server, world.account, {
      metadata: { note: 'café ✓ "quoted"\n', ratio: 1.5 },
    });
    for (let i = 0; i < 3; i++) {
      const license = await issueLicense(world.server, world.account, {
        plan_id: plan,
        customer_id: customer.id,
      });
      keys.push(license.key);
      expect((await activate(world.server, license.key, `dev-${i}-a`)).status).toBe(200);
      expect((await activate(world.server, license.key, `dev-${i}-b`)).status).toBe(200);
      const vk = await world.server.request('POST', '/api/v1/licensing/validate-key', {
        body: { license_key: license.key, device_id: `dev-${i}-a` },
      });
      expect(vk.body.valid).toBe(true);
    }
    // Let batched last-seen/usage writes land, then seal, so the source stands still while we compare.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await verifyEvents(world.server.ctx.db, world.account.accountId)).problems).toEqual([]);
    await createCustomer(world.server, world.account); // likely still unsealed when exported: sealed on the target

    const keyCheck = masterKeyCheck(world.server.ctx.config);
    header = await exportDatabase(world.server.ctx.db, createWriteStream(file), { keyCheck });
    expect(header.tables.map((t) => t.name).slice(0, 1)).toEqual(['accounts']);
    expect(header.tables.findIndex((t) => t.name === 'licenses')).toBeLessThan(
      header.tables.findIndex((t) => t.name === 'activations'),
    );

    await migrate(target.db);
    // A cut-short file is refused and leaves the target untouched (one transaction).
    const truncated = await rewrite('cut.ndjson.gz', (lines) => lines.slice(0, Math.floor(lines.length / 2)));
    const cut = await openExportFile(truncated);
    await expect(importDatabase(target.db, cut, { keyCheck })).rejects.toThrow(/is truncated/);
    cut.close();
    const [after] = await target.db.sql<{ n: number }[]>`select count(*)::int as n from accounts`;
    expect(after!.n).toBe(0);

    const opened = await openExportFile(file);
    const result = await importDatabase(target.db, opened, { keyCheck });
    opened.close();
    expect(result.tables).toEqual(header.tables.map((t) => ({ name: t.name, rows: t.rows })));
    for (const t of header.tables) {
      const [n] = await target.db.sql.unsafe<{ n: number }[]>(
        `select count(*)::int as n from ${ident(t.name)}`,
      );
      expect(n!.n, t.name).toBe(t.rows);
    }

    // Seal both sides (deterministic: id order from the last sealed row), then every row must match.
    const verified = await verifyEvents(target.db);
    expect(verified.problems).toEqual([]);
    expect(verified.checked).toBe(header.tables.find((t) => t.name === 'events')!.rows);
    await verifyEvents(world.server.ctx.db, world.account.accountId);
    const before = await accountRows(world.server.ctx.db, world.account.accountId);
    const imported = await accountRows(target.db, world.account.accountId);
    expect(Object.keys(imported)).toEqual(Object.keys(before));
    for (const table of Object.keys(before)) expect(imported[table], table).toEqual(before[table]);
    expect(imported.activations).toHaveLength(6);
    expect(imported.licenses).toHaveLength(4);
  });

  it('a server on the imported database validates the same license keys and writes new events', async () => {
    const imported = await startServer(testConfig(), {
      web: false,
      database: { db: target.db, close: async () => {} },
    });
    try {
      for (const [i, key] of keys.entries()) {
        const res = await fetch(`${imported.url}/api/v1/licensing/validate-key`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ license_key: key, device_id: `dev-${i}-a` }),
        });
        expect(await res.json()).toMatchObject({ valid: true, code: 'VALID' });
      }
      // Staff tokens of the same master key and user ids still work; the events id sequence was moved on.
      const res = await fetch(`${imported.url}/api/v1/customers`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await world.account.token()}`,
        },
        body: JSON.stringify({ email: 'after-import@example.com' }),
      });
      expect(res.status).toBe(201);
      expect((await verifyEvents(target.db)).problems).toEqual([]);
    } finally {
      await imported.close();
    }
  });

  it('refuses a non-empty database, another master key, and an export of another schema version', async () => {
    const keyCheck = masterKeyCheck(world.server.ctx.config);
    const attempt = async (source: string, db: Database, check: string | null) => {
      const f = await openExportFile(source);
      try {
        return await importDatabase(db, f, { keyCheck: check });
      } finally {
        f.close();
      }
    };
    await expect(attempt(file, world.server.ctx.db, keyCheck)).rejects.toThrow(
      /the target database is not empty \(accounts has \d+ rows\)/,
    );
    await expect(attempt(file, world.server.ctx.db, 'another-key-check')).rejects.toThrow(
      /different master key/,
    );
    await expect(attempt(file, world.server.ctx.db, null)).rejects.toThrow(/no master key is configured/);
    const older = await rewrite('older.ndjson.gz', (lines) => [
      JSON.stringify({ ...JSON.parse(lines[0]!), schema_version: '0001_foundation' }),
      ...lines.slice(1),
    ]);
    await expect(attempt(older, world.server.ctx.db, keyCheck)).rejects.toThrow(
      /exported at schema 0001_foundation but this database is at/,
    );
    await expect(attempt(older, world.server.ctx.db, keyCheck)).rejects.toBeInstanceOf(BackupError);
  });
});
