// On the embedded engine B6/B7 are skipped because bulk seeding is unreasonable there; this measures
// it on a sample (rows/s and bytes on disk per license) so the table says by how much, from this run.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbeddedDatabase } from '../src/db/embedded.js';
import { type SeedReport, seedScale, withDeferredIndexes } from './seed-scale.js';

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

export interface EmbeddedSample {
  seed: SeedReport;
  bytesPerLicense: number;
}

/** Seeds `licenses` bulk licenses into a stopped server's data directory (PGlite holds it alone). */
export async function sampleEmbeddedSeeding(
  dataDir: string,
  o: { accountEmail: string; licenses: number; keyEnc: string },
): Promise<EmbeddedSample> {
  const db = await startEmbeddedDatabase(dataDir);
  const sql = postgres(db.url, { max: 1, prepare: false, onnotice: () => {} });
  try {
    const before = dirBytes(path.join(dataDir, 'pg'));
    const [user] = await sql<{ account_id: string }[]>`
      select account_id from users where lower(email) = ${o.accountEmail.toLowerCase()}`;
    if (!user) throw new Error('bench account not found in the embedded database');
    // Loaded the way the PostgreSQL side loads its large dataset, so the rate extrapolates alike.
    const t0 = Date.now();
    const seed = await withDeferredIndexes(sql, () =>
      seedScale(sql, { accountId: user.account_id, from: 0, to: o.licenses, keyEnc: o.keyEnc }),
    );
    seed.ms = Date.now() - t0;
    seed.rowsPerSecond = Math.round((seed.rows * 1000) / seed.ms);
    await sql`checkpoint`;
    return { seed, bytesPerLicense: Math.round((dirBytes(path.join(dataDir, 'pg')) - before) / o.licenses) };
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}
