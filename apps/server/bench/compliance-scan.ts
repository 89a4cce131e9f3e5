// The daily compliance scan at scale (issue M: ≤ 60 s at 1M licenses): a fresh PostgreSQL database next
// to DATABASE_URL's, seeded as B6 seeds (seed-scale.ts: licenses, 3 seats each, their usage history),
// with evidence planted in 1 % of the licenses (key sharing, a lowered seat limit, use after expiry), then
// `runComplianceScan` timed twice: the first run raises, the second finds the same evidence again.
//
//   DATABASE_URL=postgres://… LICENSES=1000000 npx tsx bench/compliance-scan.ts
import postgres from 'postgres';
import { createAccount } from '../src/accounts/bootstrap.js';
import { withContext } from '../src/cli/context.js';
import * as repo from '../src/compliance/repository.js';
import { runComplianceScan } from '../src/compliance/scan.js';
import { loadConfig } from '../src/config/config.js';
import { encryptAtRest } from '../src/crypto/master-key.js';
import { loadDemoData } from '../src/first-run/service.js';
import { seedScale, settle, withDeferredIndexes } from './seed-scale.js';

const LICENSES = Number(process.env.LICENSES ?? 1_000_000);
const MASTER_KEY = 'bench-master-key-bench-master-key-0123456789';

const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
const name = `keyward_compliance_bench_${Date.now()}`;
await admin.unsafe(`create database ${name}`);
const url = new URL(process.env.DATABASE_URL!);
url.pathname = `/${name}`;
try {
  const config = loadConfig(
    { DATABASE_URL: url.toString(), KEYWARD_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'warn', DATA_DIR: '/tmp' },
    false,
  );
  await withContext(config, async (ctx) => {
    const { accountId } = await createAccount(ctx.db, {
      slug: 'bench',
      name: 'bench',
      ownerEmail: 'owner@bench.test',
      ownerPassword: 'violet-lantern-harbor-quietly',
    });
    await loadDemoData(ctx.db, { accountId, actor: { type: 'system' } });
    const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
    try {
      const seeded = await withDeferredIndexes(sql, () =>
        seedScale(sql, {
          accountId,
          from: 0,
          to: LICENSES,
          keyEnc: encryptAtRest(ctx.keyring, 'BENCH-PLACEHOLDER'),
          connections: 2,
        }),
      );
      // Evidence in 1 % of the licenses, yesterday: five countries each; a lowered limit; calls after expiry.
      await sql`
        insert into usage_events (account_id, license_id, kind, success, code, ip, country, at, count)
        select l.account_id, l.id, 'validation', true, 'VALID', '192.0.2.' || c, (array['DE','FR','US','BR','JP'])[c],
          date_trunc('day', now()) - interval '12 hours' + c * interval '1 minute', 1
        from (select id, account_id from licenses where hashtext(id::text) % 100 = 0) l
        cross join generate_series(1, 5) c`;
      await sql`update licenses set max_activations = 1 where hashtext(id::text) % 100 = 1 and active_seats > 1`;
      await sql`
        insert into usage_events (account_id, license_id, kind, success, code, ip, at, count)
        select account_id, id, 'validation', false, 'LICENSE_EXPIRED', '198.51.100.1', now() - interval '1 hour', 1
        from licenses where status = 'expired' and hashtext(id::text) % 100 = 2`;
      await settle(sql);
      console.log(
        `seeded ${seeded.licenses} licenses, ${seeded.activations} seats, ${seeded.usage} usage rows in ${Math.round(seeded.ms / 1000)} s`,
      );
      // What each detector's read costs (no pacing here).
      const now = new Date();
      const since = new Date(now.getTime() - 7 * 86_400_000);
      const scope = { accountId };
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
        const summary = await runComplianceScan(ctx, accountId);
        console.log(`scan ${run}: ${Math.round(performance.now() - t0)} ms ${JSON.stringify(summary)}`);
      }
    } finally {
      await sql.end();
    }
  });
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
