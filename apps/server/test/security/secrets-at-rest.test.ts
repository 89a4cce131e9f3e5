import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exportDatabase } from '../../src/backup/export.js';
import { ident } from '../../src/backup/format.js';
import { masterKeyCheck } from '../../src/backup/key-check.js';
import { listTables } from '../../src/backup/schema.js';
import { issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue N, secrets at rest: no table and no export file holds an API-key secret, a license key, a
// password or a refresh token in clear. The test makes one of each through the API (with an
// Idempotency-Key, so the responses that carried them are stored too) and greps for them.

const world = useServer();

async function makeSecrets(): Promise<Record<string, string>> {
  const owner = await world.account.token('owner');
  const password = 'quartz-meadow-lantern-velvet';
  const email = `secrets@${world.account.slug}.test`;
  const user = await world.server.request('POST', '/api/v1/users', {
    token: owner,
    body: { email, role: 'admin', password },
    headers: { 'idempotency-key': 'secrets-user' },
  });
  expect(user.status).toBe(201);
  const session = await world.server.request('POST', '/api/v1/auth/login', { body: { email, password } });
  expect(session.status).toBe(200);
  const key = await world.server.request('POST', '/api/v1/api-keys', {
    token: owner,
    body: { name: 'secrets', role: 'developer' },
    headers: { 'idempotency-key': 'secrets-key' },
  });
  expect(key.status).toBe(201);
  const license = await issueLicense(world.server, world.account);
  const regenerated = await world.server.request('POST', `/api/v1/licenses/${license.id}/regenerate-key`, {
    token: owner,
    headers: { 'idempotency-key': 'secrets-regenerate' },
  });
  expect(regenerated.status).toBe(200);
  return {
    password,
    refresh_token: session.body.refresh_token,
    api_key_secret: key.body.secret,
    license_key: license.key,
    regenerated_license_key: regenerated.body.key,
  };
}

/** Each secret as written, and as the canonical forms a careless store might use. */
function forms(secret: string): string[] {
  const bare = secret.replace(/-/g, '');
  return [...new Set([secret, bare, bare.toLowerCase()])];
}

describe('secrets at rest', () => {
  it('are in no table and in no export file', async () => {
    const secrets = await makeSecrets();
    const { sql } = world.server.ctx.db;
    let database = '';
    for (const t of await listTables(sql)) {
      const rows = await sql.unsafe<{ row: string }[]>(
        `select to_jsonb(r.*)::text as row from ${ident(t.name)} r`,
      );
      database += rows.map((r) => r.row).join('\n');
    }
    expect(database.length).toBeGreaterThan(1000);

    const dir = mkdtempSync(path.join(tmpdir(), 'keyward-secrets-'));
    try {
      const file = path.join(dir, 'export.ndjson.gz');
      const out = createWriteStream(file);
      await exportDatabase(world.server.ctx.db, out, { keyCheck: masterKeyCheck(world.server.ctx.config) });
      if (!out.closed) await once(out, 'close');
      const exported = gunzipSync(readFileSync(file)).toString('utf8');
      expect(exported).toContain(world.account.accountId);
      for (const [name, secret] of Object.entries(secrets)) {
        for (const form of forms(secret)) {
          expect(database.includes(form), `${name} in the database`).toBe(false);
          expect(exported.includes(form), `${name} in the export`).toBe(false);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
