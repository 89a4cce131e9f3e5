// B15 (issue L): signed Stripe events verified, recorded and applied by one Keyward process (PostgreSQL).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/stripe.ts [--quick]
//
// Stripe's API is the tests' local stand-in (test/support/stripe-double.ts): Stripe cannot be reached
// here. First a checkout per subscription (customer, order, subscription, license), then rounds of one
// invoice.paid per subscription, each for the next period (a renewal: the subscription and its license
// move on). Events are sent 32 at a time, each signed; the rate is events applied per second from the
// first sent to the last applied. Then: was any applied twice (orders, renewals, attempts)?

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import Stripe from 'stripe';
import { StripeDouble } from '../test/support/stripe-double.js';
import { api, login } from './api-client.js';
import { benchServerEnv, startProcess } from './processes.js';

const quick = process.argv.includes('--quick');
const SUBSCRIPTIONS = quick ? 100 : 300;
const ROUNDS = quick ? 3 : 5;
const SECRET = 'whsec_bench';
const DAY = 86_400_000;

export interface StripeBench {
  events: number;
  checkouts: number;
  renewals: number;
  checkoutPerSecond: number;
  renewalPerSecond: number;
  perSecond: number;
  appliedTwice: number;
  notApplied: number;
}

/** Seconds the checkouts and the renewal rounds took, each from the first event sent to the last applied. */
export interface StripeLoad {
  checkoutSeconds: number;
  renewalSeconds: number;
}

/**
 * B15's load against `url`'s Stripe webhook: a checkout per subscription, then ROUNDS of one
 * invoice.paid each, 32 sent at a time, signed with SECRET; the subscriptions' current state is
 * `double`'s. `pending` counts the events the server has recorded and not applied yet.
 */
export async function stripeLoad(
  url: string,
  accountId: string,
  double: StripeDouble,
  pending: () => Promise<number>,
): Promise<StripeLoad> {
  const stripe = new Stripe('sk_test_bench');
  const now = Date.now();
  const period = (k: number) => ({
    periodStart: new Date(now + k * 30 * DAY),
    periodEnd: new Date(now + (k + 1) * 30 * DAY),
  });
  const subscription = (i: number, k: number) => ({
    id: `sub_b${i}`,
    customer: `cus_b${i}`,
    price: 'price_bench_m',
    unitAmount: 4900,
    status: 'active' as const,
    ...period(k),
  });
  for (let i = 0; i < SUBSCRIPTIONS; i++) {
    double.setCustomer(`cus_b${i}`, `b${i}@bench.test`);
    double.setSubscription(subscription(i, 0));
  }
  let n = 0;
  const signed = (type: string, object: Record<string, unknown>) => {
    const payload = JSON.stringify({
      id: `evt_bench_${++n}`,
      object: 'event',
      type,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { metadata: { keyward_account_id: accountId }, ...object } },
    });
    return { payload, header: stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) };
  };
  /**
   * Sends the events 32 at a time and waits until all are applied; returns the seconds it took. Sent
   * with node:http on kept-alive connections: fetch (undici) took a third of this process's CPU, which
   * the server under test shares (2 cores).
   */
  const run = async (events: { payload: string; header: string }[]) => {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < events.length) {
          const e = events[next++]!;
          const res = await post(`${url}/api/v1/webhooks/stripe`, e.payload, {
            'content-type': 'application/json',
            'stripe-signature': e.header,
          });
          if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
        }
      }),
    );
    while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 20));
    return (performance.now() - started) / 1000;
  };

  const checkoutSeconds = await run(
    Array.from({ length: SUBSCRIPTIONS }, (_, i) =>
      signed('checkout.session.completed', {
        id: `cs_b${i}`,
        object: 'checkout.session',
        mode: 'subscription',
        customer: `cus_b${i}`,
        subscription: `sub_b${i}`,
        currency: 'usd',
        customer_details: { email: `b${i}@bench.test` },
      }),
    ),
  );
  let renewalSeconds = 0;
  for (let k = 1; k <= ROUNDS; k++) {
    for (let i = 0; i < SUBSCRIPTIONS; i++) double.setSubscription(subscription(i, k));
    renewalSeconds += await run(
      Array.from({ length: SUBSCRIPTIONS }, (_, i) =>
        signed('invoice.paid', {
          id: `in_b${i}_${k}`,
          object: 'invoice',
          parent: { subscription_details: { subscription: `sub_b${i}` } },
        }),
      ),
    );
  }
  return { checkoutSeconds, renewalSeconds };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function post(url: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Events per second from a load's timings. */
export function stripeRates({ checkoutSeconds, renewalSeconds }: StripeLoad) {
  const renewals = SUBSCRIPTIONS * ROUNDS;
  return {
    events: SUBSCRIPTIONS + renewals,
    checkouts: SUBSCRIPTIONS,
    renewals,
    checkoutPerSecond: Math.round(SUBSCRIPTIONS / checkoutSeconds),
    renewalPerSecond: Math.round(renewals / renewalSeconds),
    perSecond: Math.round((SUBSCRIPTIONS + renewals) / (checkoutSeconds + renewalSeconds)),
  };
}

export async function benchStripe(env: Record<string, string>, sqlUrl: string): Promise<StripeBench> {
  const double = new StripeDouble();
  const apiUrl = await double.start();
  const server = await startProcess(
    'src/cli/index.ts',
    ['serve'],
    { ...env, STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: apiUrl },
    '/health',
  );
  const sql = postgres(sqlUrl, { max: 2, onnotice: () => {} });
  try {
    const token = await login(server.url);
    await api(server.url, token, 'POST', '/api/v1/plans', {
      code: 'bench-stripe',
      name: 'Bench',
      license_type: 'subscription',
      license_model: 'per_device',
      max_activations: 3,
      price_monthly_cents: 4900,
      stripe_price_monthly: 'price_bench_m',
    });
    const [account] = await sql<{ id: string }[]>`select id from accounts order by created_at limit 1`;
    const load = await stripeLoad(server.url, account!.id, double, async () => {
      const [left] = await sql<
        { n: number }[]
      >`select count(*)::int as n from stripe_events where status = 'received'`;
      return left!.n;
    });
    const [check] = await sql<{ orders: number; renewed: number; twice: number; not_applied: number }[]>`
      select (select count(*)::int from orders where payment_provider = 'stripe') as orders,
        (select count(*)::int from events where type = 'subscription.renewed') as renewed,
        (select count(*)::int from stripe_events where attempts > 1) as twice,
        (select count(*)::int from stripe_events where status <> 'applied') as not_applied`;
    const rates = stripeRates(load);
    return {
      ...rates,
      // Each checkout made one order and each renewal event one renewal; attempts > 1 would be a re-apply.
      appliedTwice: check!.orders - SUBSCRIPTIONS + (check!.renewed - rates.renewals) + check!.twice,
      notApplied: check!.not_applied,
    };
  } finally {
    await sql.end();
    await server.stop();
    await double.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.env.DATABASE_URL) throw new Error('bench/stripe.ts needs DATABASE_URL (PostgreSQL)');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-stripe-bench-'));
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  const db = `keyward_stripe_${Date.now()}`;
  await admin.unsafe(`create database ${db}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${db}`;
  try {
    console.log(
      JSON.stringify(
        await benchStripe({ ...benchServerEnv(dataDir), DATABASE_URL: url.toString() }, url.toString()),
      ),
    );
  } finally {
    await admin.unsafe(`drop database if exists ${db} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
