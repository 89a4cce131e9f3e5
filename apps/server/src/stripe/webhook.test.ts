import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../test/support/server.js';
import { claimDueStripeEvents, recordStripeEvents } from './repository.js';

// Stripe's webhook: events signed with the library's own test-header helper (the real signature scheme),
// recorded once by id however often and however concurrently they arrive; a bad signature or one older
// than 5 minutes is refused and writes nothing.
const SECRET = 'whsec_test_keyward_0123456789';
const world = useServer({
  config: { stripeSecretKey: 'sk_test_keyward', stripeWebhookSecret: SECRET },
});
const stripe = new Stripe('sk_test_keyward');

function signed(event: Record<string, unknown>, timestamp?: number) {
  const payload = JSON.stringify(event);
  const header = stripe.webhooks.generateTestHeaderString({
    payload,
    secret: SECRET,
    ...(timestamp ? { timestamp } : {}),
  });
  return { payload, header };
}

const eventOf = (id: string, type = 'invoice.paid') => ({
  id,
  object: 'event',
  type,
  created: Math.floor(Date.now() / 1000),
  livemode: false,
  api_version: '2025-01-27',
  data: {
    object: { id: `in_${id}`, object: 'invoice', metadata: { keyward_account_id: world.account.accountId } },
  },
});

const send = (payload: string, header: string) =>
  world.server.request('POST', '/api/v1/webhooks/stripe', {
    raw: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
  });

const rowsOf = async (id: string) =>
  (
    await world.server.ctx.db.sql<
      { n: number }[]
    >`select count(*)::int as n from stripe_events where id = ${id}`
  )[0]!.n;

describe('Stripe webhook', () => {
  it('records an event once, however many times it arrives at once', async () => {
    const { payload, header } = signed(eventOf('evt_once'));
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(payload, header)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(await rowsOf('evt_once')).toBe(1);
    // Applied once: an invoice of no subscription is nothing Keyward acts on.
    const token = await world.account.token('read_only');
    await expect
      .poll(async () => {
        const listed = await world.server.request('GET', '/api/v1/payment-events?type=invoice.paid', {
          token,
        });
        return listed.body.data.find((e: { id: string }) => e.id === 'evt_once');
      })
      .toMatchObject({
        account_id: world.account.accountId,
        status: 'ignored',
        attempts: 1,
        error: 'Not about a subscription',
      });
  });

  it('refuses a bad signature, a tampered body and a timestamp 6 minutes old, writing nothing', async () => {
    const good = signed(eventOf('evt_bad'));
    const tampered = good.payload.replace('invoice.paid', 'invoice.voided');
    const old = signed(eventOf('evt_old'), Math.floor(Date.now() / 1000) - 360);
    const wrongSecret = `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;
    for (const [payload, header] of [
      [tampered, good.header],
      [good.payload, wrongSecret],
      [old.payload, old.header],
      [good.payload, ''],
    ] as const) {
      const res = await send(payload, header);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await rowsOf('evt_bad')).toBe(0);
    expect(await rowsOf('evt_old')).toBe(0);
  });

  it('records events leased to the process that applies them; the rest, and lapsed leases, are claimed', async () => {
    const now = Date.now();
    const until = new Date(now + 60_000);
    const event = (id: string) => ({
      id,
      namedAccount: world.account.accountId,
      type: 'invoice.paid',
      created: new Date(now),
      livemode: false,
      payload: eventOf(id),
    });
    const ours = (claimed: { id: string }[]) =>
      claimed
        .map((c) => c.id)
        .filter((id) => id.startsWith('evt_lease_'))
        .sort();
    // In a transaction rolled back at the end: this server's own applier never sees these rows.
    const rolledBack = new Error('rolled back');
    await expect(
      world.server.ctx.db.sql.begin(async (tx) => {
        const recorded = await recordStripeEvents(
          tx,
          [event('evt_lease_a'), event('evt_lease_a'), event('evt_lease_b'), event('evt_lease_c')],
          { count: 2, until },
        );
        // The repeat is a duplicate (the caller gives its place back); only the first is leased.
        expect(recorded).toEqual([
          { accountId: world.account.accountId, leased: true },
          null,
          { accountId: world.account.accountId, leased: false },
          { accountId: world.account.accountId, leased: false },
        ]);
        const rows = await tx<{ id: string; attempts: number; next_attempt_at: Date }[]>`
          select id, attempts, next_attempt_at from stripe_events where id like 'evt_lease_%' order by id`;
        expect(rows.map((r) => [r.id, r.attempts])).toEqual([
          ['evt_lease_a', 1],
          ['evt_lease_b', 0],
          ['evt_lease_c', 0],
        ]);
        expect(rows[0]!.next_attempt_at.getTime()).toBe(until.getTime());
        // A claim now finds the two left to claim, not the leased one; after its lease, that one too.
        const claimNow = await claimDueStripeEvents(tx, new Date(), until, 10);
        expect(ours(claimNow)).toEqual(['evt_lease_b', 'evt_lease_c']);
        const after = new Date(until.getTime() + 1);
        const claimLater = await claimDueStripeEvents(tx, after, new Date(after.getTime() + 60_000), 10);
        expect(ours(claimLater)).toContain('evt_lease_a');
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
  });
});
