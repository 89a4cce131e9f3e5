// The daily compliance scan at scale (issue M: ≤ 60 s at 1M licenses): a database seeded by
// seed-insight.ts (B6's rows, evidence planted in 1 % of the licenses), then
// `runComplianceScan` timed twice: the first run raises, the second finds the same evidence again. Then
// a server process on that database validates one seat's token at half its saturated rate while the daily
// scan runs through the job queue, worked by a `keyward worker` beside the server (the layout of
// `serve --workers N`): p99 per 3 s window during the scan, against the same load with no scan before
// and after (issue M: ≤ 10 ms at half load). Before the scan,
// the same server gives the seeded subscriptions two years of history (`subscription_changes`: starts
// over 730 days, cancellations, quantity changes), runs the `revenue-snapshots` job over it, and times the
// Analytics page's first load, the 24-month MRR chart (`/analytics/revenue`, monthly; one cold call, then
// the median of 5), and the Usage tab's (issue M: ≤ 300 ms each).
//
//   DATABASE_URL=postgres://… LICENSES=1000000 npx tsx bench/compliance-scan.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { withContext } from '../src/cli/context.js';
import * as repo from '../src/compliance/repository.js';
import { runComplianceScan } from '../src/compliance/scan.js';
import { api } from './api-client.js';
import { type LoadResult, load } from './load.js';
import { benchServerEnv, startProcess, startWorker } from './processes.js';
import { MASTER_KEY, OWNER, seedInsightDatabase } from './seed-insight.js';

const LICENSES = Number(process.env.LICENSES ?? 1_000_000);

/** Two years of changes for the seeded subscriptions: each started on its creation day; some changed size, some ended. */
async function seedRevenueHistory(sql: postgres.Sql, accountId: string): Promise<number> {
  await sql`
    insert into subscription_changes (account_id, subscription_id, customer_id, at, status, plan_id,
                                      billing_cycle, currency, price_cents, quantity)
    select account_id, id, customer_id, created_at, case when status = 'trialing' then 'trialing' else 'active' end,
           plan_id, billing_cycle, currency, price_cents, greatest(quantity - 1, 1)
      from subscriptions where account_id = ${accountId}
    union all
    select account_id, id, customer_id, created_at + (now() - created_at) / 2, case when status = 'trialing' then 'trialing' else 'active' end,
           plan_id, billing_cycle, currency, price_cents, quantity
      from subscriptions where account_id = ${accountId} and quantity > 1
    union all
    select account_id, id, customer_id, created_at + (now() - created_at) * 0.8, status,
           plan_id, billing_cycle, currency, price_cents, quantity
      from subscriptions where account_id = ${accountId} and status in ('canceled', 'past_due')`;
  const [row] = await sql<
    { n: number }[]
  >`select count(*)::int as n from subscription_changes where account_id = ${accountId}`;
  return row!.n;
}

/** A job run through the API, waited for; its duration by the queue's own clock. */
async function runJob(url: string, token: string, name: string) {
  const queued = await api(url, token, 'POST', `/api/v1/jobs/${name}/runs`, {});
  let run = await api(url, token, 'GET', `/api/v1/jobs/${name}/runs/${queued.id}`);
  while (run.state !== 'completed' && run.state !== 'failed') {
    await new Promise((r) => setTimeout(r, 200));
    run = await api(url, token, 'GET', `/api/v1/jobs/${name}/runs/${queued.id}`);
  }
  return { ...run, seconds: (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000 };
}

/** One cold call, then the median of 5 (as B7). */
async function timed(url: string, token: string, p: string) {
  const once = async () => {
    const t0 = performance.now();
    await api(url, token, 'GET', p);
    return performance.now() - t0;
  };
  const cold = await once();
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push(await once());
  warm.sort((a, b) => a - b);
  return `cold ${Math.round(cold)} ms, median ${Math.round(warm[2]!)} ms`;
}

/** Validate p99 at half load, in 3 s windows, with no scan, during a scan run by the server's job queue, and after. */
async function scanUnderLoad(databaseUrl: string, accountId: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-scan-'));
  const env = { ...benchServerEnv(dataDir), DATABASE_URL: databaseUrl, KEYWARD_MASTER_KEY: MASTER_KEY };
  // The layout of `serve --workers N`: the server works no jobs, a `keyward worker` beside it does.
  const server = await startProcess(
    'src/cli/index.ts',
    ['serve'],
    { ...env, KEYWARD_JOBS: 'off' },
    '/health',
  );
  const worker = await startWorker({ ...env, KEYWARD_JOBS: 'work' });
  try {
    const token = (await api(server.url, null, 'POST', '/api/v1/auth/login', OWNER)).access_token as string;
    const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const changes = await seedRevenueHistory(db, accountId).finally(() => db.end());
    const snapshots = await runJob(server.url, token, 'revenue-snapshots');
    console.log(
      `revenue: ${changes} subscription changes over 2 years; revenue-snapshots ${snapshots.state} in ${snapshots.seconds.toFixed(1)} s ${JSON.stringify(snapshots.output)}`,
    );
    const from = new Date(Date.now() - 730 * 86_400_000).toISOString().slice(0, 10);
    console.log(
      `  Analytics page, first load = 24-month MRR chart (/analytics/revenue?from=${from}&interval=month): ${await timed(server.url, token, `/api/v1/analytics/revenue?from=${from}&interval=month`)}`,
    );
    console.log(
      `  Usage tab, first load (/analytics/usage?range=30d): ${await timed(server.url, token, '/api/v1/analytics/usage?range=30d')}`,
    );
    const plans = await api(server.url, token, 'GET', '/api/v1/plans?limit=100');
    const license = await api(server.url, token, 'POST', '/api/v1/licenses', {
      plan_id: plans.data[0].id,
      max_activations: null,
    });
    const seat = {
      license_key: license.key,
      device_fingerprint: 'fp-scan',
      device_info: { device_id: 'dev-scan' },
    };
    const activated = await api(server.url, null, 'POST', '/api/v1/licensing/activate', seat);
    const validate = {
      url: `${server.url}/api/v1/licensing/validate`,
      body: { token: activated.signed_token, device_id: 'dev-scan' },
    };
    await load({ ...validate, seconds: 3 }); // warm-up
    const saturated = await load({ ...validate, seconds: 5 });
    const rate = Math.max(100, Math.round(saturated.rps / 2));
    const window = () => load({ ...validate, seconds: 3, rate });
    const idle: LoadResult[] = [];
    for (let i = 0; i < 3; i++) idle.push(await window());
    const queued = await api(server.url, token, 'POST', '/api/v1/jobs/compliance-scan/runs', {});
    const runPath = `/api/v1/jobs/compliance-scan/runs/${queued.id}`;
    const during: LoadResult[] = [];
    let run = await api(server.url, token, 'GET', runPath);
    while (run.state !== 'completed' && run.state !== 'failed') {
      during.push(await window());
      run = await api(server.url, token, 'GET', runPath);
    }
    for (let i = 0; i < 3; i++) idle.push(await window());
    const p99s = (ls: LoadResult[]) => ls.map((l) => l.p99).join(', ');
    const seconds = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
    console.log(
      `scan in the server under load: ${run.state} in ${seconds.toFixed(1)} s; validate saturated ${Math.round(saturated.rps)} req/s, half ${rate} req/s`,
    );
    console.log(
      `  p99 per 3 s window during the scan: ${p99s(during)} ms (highest ${Math.max(...during.map((l) => l.p99))} ms)`,
    );
    console.log(
      `  p99 per 3 s window with no scan, before and after: ${p99s(idle)} ms (highest ${Math.max(...idle.map((l) => l.p99))} ms)`,
    );
    console.log(
      `  p50 during ${Math.max(...during.map((l) => l.p50))} ms, without ${Math.max(...idle.map((l) => l.p50))} ms; non-2xx ${[...during, ...idle].reduce((n, l) => n + l.non2xx, 0)}`,
    );
  } finally {
    await worker.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const seeded = await seedInsightDatabase(LICENSES);
try {
  await withContext(seeded.config, async (ctx) => {
    const sql = postgres(seeded.url, { max: 2, onnotice: () => {} });
    try {
      // What each detector's read costs (no pacing here).
      const now = new Date();
      const since = new Date(now.getTime() - 7 * 86_400_000);
      const scope = { accountId: seeded.accountId };
      const reads: [string, () => Promise<unknown[]>][] = [
        ['seats over their limit', () => repo.seatsOverLimit(sql, scope)],
        ['calls after expiry', () => repo.callsAfterExpiry(sql, scope, since, now)],
        [
          'places over an allowance',
          () =>
            repo.placesOverAllowance(sql, scope, since, now, { countries: 3, ips: null, windowHours: 24 }),
        ],
        ['reports', () => repo.reportsSince(sql, scope, since)],
      ];
      for (const [what, read] of reads) {
        const t0 = performance.now();
        const rows = await read();
        console.log(`  ${what}: ${rows.length} rows in ${Math.round(performance.now() - t0)} ms`);
      }
      for (const run of ['first (raises)', 'second (finds them again)']) {
        const t0 = performance.now();
        const summary = await runComplianceScan(ctx, seeded.accountId);
        console.log(`scan ${run}: ${Math.round(performance.now() - t0)} ms ${JSON.stringify(summary)}`);
      }
    } finally {
      await sql.end();
    }
  });
  await scanUnderLoad(seeded.url, seeded.accountId);
} finally {
  await seeded.drop();
}
