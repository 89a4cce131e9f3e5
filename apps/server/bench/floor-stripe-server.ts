// The least a server could do to apply B15's Stripe events (bench/floor-stripe.ts runs it): the webhook
// verifies the signature with the official library and records the event id once; the event is then
// applied in this process, with no queue, leases or retries: Stripe's subscription fetched, then one
// transaction (checkout: customer, subscription, license, order; renewal: the subscription's period
// and its license's expiry) with one log row, and the event marked applied. No accounts, no policies,
// no history, no receipts, no webhooks out, no sealing. Its own tables in DATABASE_URL's database.
//
//   DATABASE_URL=… STRIPE_API_URL=… STRIPE_WEBHOOK_SECRET=… PORT=… node --import tsx bench/floor-stripe-server.ts
import Fastify from 'fastify';
import postgres from 'postgres';
import Stripe from 'stripe';

const api = new URL(process.env.STRIPE_API_URL!);
const stripe = new Stripe('sk_test_floor', {
  host: api.hostname,
  port: Number(api.port),
  protocol: 'http',
  maxNetworkRetries: 2,
});
const secret = process.env.STRIPE_WEBHOOK_SECRET!;
const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });

await sql.unsafe(`
  create table if not exists floor_events (id text primary key, payload jsonb not null,
    status text not null default 'received', received_at timestamptz not null default now());
  create table if not exists floor_customers (id uuid primary key default gen_random_uuid(),
    stripe_id text unique not null, email text);
  create table if not exists floor_subscriptions (id uuid primary key default gen_random_uuid(),
    stripe_id text unique not null, customer_id uuid not null references floor_customers,
    period_end timestamptz not null);
  create table if not exists floor_licenses (id uuid primary key default gen_random_uuid(),
    subscription_id uuid not null references floor_subscriptions, expires_at timestamptz not null);
  create index if not exists floor_licenses_sub on floor_licenses (subscription_id);
  create table if not exists floor_orders (id uuid primary key default gen_random_uuid(),
    reference text unique not null, subscription_id uuid not null, license_id uuid not null);
  create table if not exists floor_log (id bigserial primary key, type text not null, data jsonb not null);
`);

const periodEnd = (s: Stripe.Subscription) =>
  new Date((s.items.data[0] as unknown as { current_period_end: number }).current_period_end * 1000);

async function apply(event: Stripe.Event): Promise<void> {
  const object = event.data.object as unknown as Record<string, unknown>;
  if (event.type === 'checkout.session.completed') {
    const remote = await stripe.subscriptions.retrieve(String(object.subscription));
    await sql.begin(async (tx) => {
      const [customer] = await tx`insert into floor_customers (stripe_id, email)
        values (${String(object.customer)}, ${(object.customer_details as { email: string }).email})
        on conflict (stripe_id) do update set email = excluded.email returning id`;
      const [sub] = await tx`insert into floor_subscriptions (stripe_id, customer_id, period_end)
        values (${remote.id}, ${customer!.id}, ${periodEnd(remote)}) returning id`;
      const [license] = await tx`insert into floor_licenses (subscription_id, expires_at)
        values (${sub!.id}, ${periodEnd(remote)}) returning id`;
      await tx`insert into floor_orders (reference, subscription_id, license_id)
        values (${String(object.id)}, ${sub!.id}, ${license!.id})`;
      await tx`insert into floor_log (type, data) values ('order.fulfilled', ${tx.json({ license: license!.id })})`;
      await tx`update floor_events set status = 'applied' where id = ${event.id}`;
    });
    return;
  }
  const id = (object.parent as { subscription_details: { subscription: string } }).subscription_details
    .subscription;
  const remote = await stripe.subscriptions.retrieve(id);
  await sql.begin(async (tx) => {
    const [sub] = await tx`update floor_subscriptions set period_end = ${periodEnd(remote)}
      where stripe_id = ${id} returning id`;
    await tx`update floor_licenses set expires_at = ${periodEnd(remote)} where subscription_id = ${sub!.id}`;
    await tx`insert into floor_log (type, data) values ('subscription.renewed', ${tx.json({ sub: sub!.id })})`;
    await tx`update floor_events set status = 'applied' where id = ${event.id}`;
  });
}

const app = Fastify();
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
app.get('/health', async () => ({ ok: true }));
app.post('/api/v1/webhooks/stripe', async (request, reply) => {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(
      request.body as string,
      String(request.headers['stripe-signature']),
      secret,
      300,
    );
  } catch {
    return reply.code(400).send({ error: 'bad signature' });
  }
  const inserted =
    await sql`insert into floor_events (id, payload) values (${event.id}, ${sql.json(event as never)})
    on conflict (id) do nothing returning id`;
  if (inserted.length)
    setImmediate(() => apply(event).catch((err) => console.error('apply failed', err.message)));
  return { received: true, duplicate: inserted.length === 0 };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
