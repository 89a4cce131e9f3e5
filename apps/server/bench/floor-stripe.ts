// How many Stripe events per second could any server apply on this machine? Runs B15's load against
// `floor-stripe-server.ts` (verify, record once, fetch, one transaction, nothing else) and against Keyward,
// in alternating rounds, each on a database of its own, and prints both and their ratio.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/floor-stripe.ts [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { StripeDouble } from '../test/support/stripe-double.js';
import { benchServerEnv, startProcess } from './processes.js';
import { benchStripe, stripeLoad, stripeRates } from './stripe.js';

const SECRET = 'whsec_bench';
if (!process.env.DATABASE_URL) throw new Error('bench/floor-stripe.ts needs DATABASE_URL (PostgreSQL)');
const rounds = Number(process.argv[2] ?? 2);
const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });

/** A scratch database for one run, dropped after it. */
async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `keyward_floor_stripe_${Date.now()}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  }
}

async function floorRun(url: string) {
  const double = new StripeDouble();
  const apiUrl = await double.start();
  const server = await startProcess(
    'bench/floor-stripe-server.ts',
    [],
    { DATABASE_URL: url, STRIPE_API_URL: apiUrl, STRIPE_WEBHOOK_SECRET: SECRET },
    '/health',
  );
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    const load = await stripeLoad(server.url, 'floor', double, async () => {
      const [left] = await sql<
        { n: number }[]
      >`select count(*)::int as n from floor_events where status = 'received'`;
      return left!.n;
    });
    return stripeRates(load);
  } finally {
    await sql.end();
    await server.stop();
    await double.stop();
  }
}

try {
  for (let r = 1; r <= rounds; r++) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-floor-stripe-'));
    const keyward = await withDatabase((url) =>
      benchStripe({ ...benchServerEnv(dataDir), DATABASE_URL: url }, url),
    );
    rmSync(dataDir, { recursive: true, force: true });
    const floor = await withDatabase(floorRun);
    console.log(
      `round ${r}: Keyward ${keyward.perSecond}/s (checkouts ${keyward.checkoutPerSecond}, renewals ${keyward.renewalPerSecond}), ` +
        `floor ${floor.perSecond}/s (checkouts ${floor.checkoutPerSecond}, renewals ${floor.renewalPerSecond}), ` +
        `Keyward / floor = ${(keyward.perSecond / floor.perSecond).toFixed(2)}`,
    );
  }
} finally {
  await admin.end();
}
