import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChildServer, startChildServer } from '../../test/support/child-server.js';
import { createPlan } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { StripeDouble } from '../../test/support/stripe-double.js';

// Issue L: one signed Stripe event sent five times at once to each of two real server processes on one
// PostgreSQL is recorded once and applied once: one order, one subscription, one license. The test's own
// server applies nothing (KEYWARD_JOBS=off): only the two children do. Stripe's API is the project's one
// test double (test/support/stripe-double.ts).
describe.skipIf(inject('databaseKind') !== 'postgres')('Stripe events across two processes', () => {
  const SECRET = 'whsec_two_processes';
  const world = useServer({ config: { jobs: 'off' } });
  const double = new StripeDouble();
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-stripe-two-'));
  const clockFile = path.join(dir, 'now');
  writeFileSync(clockFile, new Date().toISOString());
  const children: ChildServer[] = [];
  let apiUrl = '';
  beforeAll(async () => {
    apiUrl = await double.start();
  });
  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the same event, sent 5 times to each of 2 processes at once, once', async () => {
    const env = {
      KEYWARD_JOBS: 'work',
      STRIPE_SECRET_KEY: 'sk_test_two',
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_API_URL: apiUrl,
    };
    children.push(
      await startChildServer('a', dir, clockFile, env),
      await startChildServer('b', dir, clockFile, env),
    );
    await createPlan(world.server, world.account, { stripe_price_monthly: 'price_two_m' });
    const now = Date.now();
    double.setCustomer('cus_two', 'two@buyer.test');
    double.setSubscription({
      id: 'sub_two',
      customer: 'cus_two',
      price: 'price_two_m',
      unitAmount: 4900,
      status: 'active',
      periodStart: new Date(now),
      periodEnd: new Date(now + 30 * 86_400_000),
    });
    const payload = JSON.stringify({
      id: `evt_two_${now}`,
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(now / 1000),
      livemode: false,
      data: {
        object: {
          id: 'cs_two',
          object: 'checkout.session',
          mode: 'subscription',
          customer: 'cus_two',
          subscription: 'sub_two',
          currency: 'usd',
          customer_details: { email: 'two@buyer.test' },
          metadata: { keyward_account_id: world.account.accountId },
        },
      },
    });
    const header = new Stripe('sk_test_two').webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const answers = await Promise.all(
      children.flatMap((child) =>
        Array.from({ length: 5 }, () =>
          fetch(`${child.url}/api/v1/webhooks/stripe`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'stripe-signature': header },
            body: payload,
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { duplicate: boolean } })),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);

    const sql = world.server.ctx.db.sql;
    await expect
      .poll(
        async () =>
          (
            await sql<{ status: string }[]>`select status from stripe_events where id = ${`evt_two_${now}`}`
          )[0]?.status,
        {
          timeout: 20_000,
        },
      )
      .toBe('applied');
    const [counts] = await sql<
      {
        events: number;
        attempts: number;
        orders: number;
        subscriptions: number;
        licenses: number;
        created: number;
      }[]
    >`
      select (select count(*)::int from stripe_events where id = ${`evt_two_${now}`}) as events,
        (select attempts from stripe_events where id = ${`evt_two_${now}`}) as attempts,
        (select count(*)::int from orders where account_id = ${world.account.accountId} and payment_reference = 'cs_two') as orders,
        (select count(*)::int from subscriptions where external_ids->>'stripe_subscription' = 'sub_two') as subscriptions,
        (select count(*)::int from licenses l join subscriptions s on s.id = l.subscription_id
          where s.external_ids->>'stripe_subscription' = 'sub_two') as licenses,
        (select count(*)::int from events where account_id = ${world.account.accountId} and type = 'order.created') as created`;
    expect(counts).toEqual({ events: 1, attempts: 1, orders: 1, subscriptions: 1, licenses: 1, created: 1 });
  }, 60_000);
});
