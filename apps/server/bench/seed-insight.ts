// A fresh PostgreSQL database next to DATABASE_URL's, seeded as B6 seeds (seed-scale.ts: licenses, 3
// seats each, their usage history, customers with a subscription each), with compliance evidence
// planted in 1 % of the licenses: what the insight benches (compliance-scan.ts, background-floor.ts)
// start from.
import postgres from 'postgres';
import { createAccount } from '../src/accounts/bootstrap.js';
import { withContext } from '../src/cli/context.js';
import { type Config, loadConfig } from '../src/config/config.js';
import { encryptAtRest } from '../src/crypto/master-key.js';
import { loadDemoData } from '../src/first-run/service.js';
import { seedScale, settle, withDeferredIndexes } from './seed-scale.js';

export const MASTER_KEY = 'bench-master-key-bench-master-key-0123456789';
export const OWNER = { email: 'owner@bench.test', password: 'violet-lantern-harbor-quietly' };

export interface SeededDatabase {
  name: string;
  url: string;
  accountId: string;
  config: Config;
  /** Drops the database (and any copies made of it with `copy`). */
  drop(): Promise<void>;
  /** A new database made from this one as a template: the same rows, byte for byte. */
  copy(): Promise<string>;
}

/** The URL of database `name` on DATABASE_URL's server. */
function urlOf(name: string) {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Seeds a new database, or with INSIGHT_DATABASE=<name> takes one an earlier run kept (KEEP_SEEDED=1
 * keeps it: seeding 1M licenses takes minutes, and every run works on copies of it anyway).
 */
export async function seedInsightDatabase(licenses: number): Promise<SeededDatabase> {
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  const reused = process.env.INSIGHT_DATABASE;
  const name = reused ?? `keyward_insight_bench_${Date.now()}`;
  const keep = Boolean(reused) || process.env.KEEP_SEEDED === '1';
  const made = keep ? [] : [name];
  const url = urlOf(name);
  const config = loadConfig(
    { DATABASE_URL: url, KEYWARD_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'warn', DATA_DIR: '/tmp' },
    false,
  );
  const drop = async () => {
    for (const db of made) await admin.unsafe(`drop database if exists ${db} with (force)`);
    await admin.end();
  };
  if (keep && !reused) console.log(`keeping the seeded database: INSIGHT_DATABASE=${name} reuses it`);
  try {
    if (!reused) await admin.unsafe(`create database ${name}`);
    const accountId = await withContext(config, async (ctx) => {
      if (reused) {
        const [account] = await ctx.db.sql<{ id: string }[]>`select id from accounts where slug = 'bench'`;
        return account!.id;
      }
      const { accountId } = await createAccount(ctx.db, {
        slug: 'bench',
        name: 'bench',
        ownerEmail: OWNER.email,
        ownerPassword: OWNER.password,
      });
      await loadDemoData(ctx.db, { accountId, actor: { type: 'system' } });
      const sql = postgres(url, { max: 2, onnotice: () => {} });
      try {
        const seeded = await withDeferredIndexes(sql, () =>
          seedScale(sql, {
            accountId,
            from: 0,
            to: licenses,
            keyEnc: encryptAtRest(ctx.keyring, 'BENCH-PLACEHOLDER'),
            connections: 2,
          }),
        );
        await plantEvidence(sql);
        await settle(sql);
        console.log(
          `seeded ${seeded.licenses} licenses, ${seeded.activations} seats, ${seeded.usage} usage rows in ${Math.round(seeded.ms / 1000)} s`,
        );
      } finally {
        await sql.end();
      }
      return accountId;
    });
    return {
      name,
      url,
      accountId,
      config,
      drop,
      async copy() {
        const copy = `${name}_copy${Date.now().toString(36)}`;
        await admin.unsafe(`create database ${copy} template ${name}`);
        made.push(copy);
        return urlOf(copy);
      },
    };
  } catch (err) {
    await drop();
    throw err;
  }
}

/** Evidence in 1 % of the licenses, yesterday: five countries each; a lowered limit; calls after expiry. */
async function plantEvidence(sql: postgres.Sql) {
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
}
