// 29: data seeded through a running server, `keyward export` while it runs, `keyward import` into a new
// empty database, a server on the copy: same counts, the same keys validate, the event chain verifies.
import path from 'node:path';
import postgres from 'postgres';
import { ADMIN, api, freshDatabase, quick, runCli, servers, tempDir } from './harness.js';

const PARALLEL = 8;

/** Runs `fn(i)` for i < n with `PARALLEL` in flight. */
async function each(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** `  table   123` lines that export (stderr) and import (stdout) print. */
function tableCounts(output: string): Map<string, number> {
  return new Map([...output.matchAll(/^ {2}(\w+)\s+(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

async function countRows(url: string, tables: string[]): Promise<Map<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const out = new Map<string, number>();
    for (const t of tables) {
      const [r] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from "${t}"`);
      out.set(t, r!.n);
    }
    return out;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function exportImport(): Promise<{ pass: boolean; figures: string }> {
  const licenses = quick ? 200 : 600;
  const source = await freshDatabase();
  const [a] = await servers(1, source);
  const base = a!.url;
  const token = (await api(base, null, 'POST', '/api/v1/auth/login', ADMIN)).body.access_token as string;
  await api(base, token, 'POST', '/api/v1/demo-data', {}); // new accounts start with no plans
  const plans = (await api(base, token, 'GET', '/api/v1/plans?limit=100')).body.data;
  const plan = plans.find((p: { code: string }) => p.code === 'professional');
  const customers: string[] = [];
  await each(20, async (i) => {
    const c = await api(base, token, 'POST', '/api/v1/customers', { email: `rel-${i}@example.com` });
    customers.push(c.body.id);
  });
  const keys: { key: string; device: string }[] = [];
  await each(licenses, async (i) => {
    const l = await api(base, token, 'POST', '/api/v1/licenses', {
      plan_id: plan.id,
      customer_id: customers[i % customers.length],
      max_activations: 3,
    });
    if (l.status !== 201) throw new Error(`license ${i}: ${l.status}`);
    for (let d = 0; d < 1 + (i % 3); d++) {
      const r = await api(base, null, 'POST', '/api/v1/licensing/activate', {
        license_key: l.body.key,
        device_fingerprint: `fp-exp-${i}-${d}`,
        device_info: { device_id: `exp-${i}-${d}` },
      });
      if (r.status !== 200) throw new Error(`activation ${i}/${d}: ${r.status}`);
    }
    keys.push({ key: l.body.key, device: `exp-${i}-0` });
  });
  await new Promise((r) => setTimeout(r, 1500)); // batched last-seen/usage writes land

  // The server keeps running during the export: one snapshot, whatever it writes meanwhile.
  const dir = tempDir();
  const file = path.join(dir, 'keyward.ndjson.gz');
  const exported = await runCli(['export', '--out', file], { DATABASE_URL: source, KEYWARD_DATA_DIR: dir });
  if (exported.code !== 0) throw new Error(`export exited ${exported.code}: ${exported.stderr.trim()}`);
  const target = await freshDatabase();
  const imported = await runCli(['import', '--in', file], { DATABASE_URL: target, KEYWARD_DATA_DIR: dir });
  if (imported.code !== 0) throw new Error(`import exited ${imported.code}: ${imported.stderr.trim()}`);
  const verify = await runCli(['events', 'verify'], { DATABASE_URL: target, KEYWARD_DATA_DIR: dir });
  const intact = /event log intact: (\d+) events verified/.exec(verify.stdout);

  const fromExport = tableCounts(exported.stderr);
  const fromImport = tableCounts(imported.stdout);
  const tables = [...fromExport.keys()];
  const inSource = await countRows(source, tables);
  const inTarget = await countRows(target, tables);
  const mismatched = tables.filter(
    (t) => fromImport.get(t) !== fromExport.get(t) || inTarget.get(t) !== fromExport.get(t),
  );
  const keyTables = ['licenses', 'activations', 'customers', 'events'];
  const sourceDiffers = keyTables.filter((t) => inSource.get(t) !== inTarget.get(t));

  const [b] = await servers(1, target);
  let valid = 0;
  await each(keys.length, async (i) => {
    const r = await api(b!.url, null, 'POST', '/api/v1/licensing/validate-key', {
      license_key: keys[i]!.key,
      device_id: keys[i]!.device,
    });
    if (r.body?.valid === true) valid++;
  });

  const pass =
    verify.code === 0 &&
    intact !== null &&
    tables.length > 0 &&
    mismatched.length === 0 &&
    sourceDiffers.length === 0 &&
    valid === keys.length;
  const figure = (t: string) => `${t} ${fromExport.get(t)}/${fromImport.get(t)}`;
  return {
    pass,
    figures:
      `exported/imported ${keyTables.map(figure).join(', ')}; ${tables.length - mismatched.length}/${tables.length} tables equal` +
      `${mismatched.length ? ` (differ: ${mismatched.join(', ')})` : ''}; validate-key ${valid}/${keys.length} valid; ` +
      `events verify: ${intact ? `intact (${intact[1]})` : 'FAILED'}; export ${exported.seconds.toFixed(1)} s, import ${imported.seconds.toFixed(1)} s`,
  };
}
