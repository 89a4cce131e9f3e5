-- Issue L: Stripe's webhook events, each recorded once by its id (Stripe delivers an event more than
-- once and in any order) and answered at once; a worker applies them afterwards. An event that cannot
-- be applied (a price no plan maps to) stays, marked as needing attention, until staff retry it.
create table stripe_events (
  id text primary key,
  account_id uuid references accounts(id) on delete cascade,
  type text not null,
  stripe_created_at timestamptz not null,
  livemode boolean not null,
  payload jsonb not null,
  status text not null default 'received' check (status in ('received', 'applied', 'ignored', 'needs_attention')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  error text,
  received_at timestamptz not null default now(),
  applied_at timestamptz
);
create index stripe_events_due on stripe_events (next_attempt_at) where status = 'received';
create index stripe_events_account on stripe_events (account_id, received_at desc);

-- A plan's Stripe prices per interval (Checkout sells them; an event names one to say which plan).
alter table plans add column stripe_price_monthly text, add column stripe_price_annual text;
create unique index plans_stripe_price_monthly on plans (account_id, stripe_price_monthly) where stripe_price_monthly is not null;
create unique index plans_stripe_price_annual on plans (account_id, stripe_price_annual) where stripe_price_annual is not null;
-- Stripe's own ids of a Keyward customer and subscription (external_ids.stripe_customer, .stripe_subscription).
create index customers_stripe on customers (account_id, (external_ids->>'stripe_customer')) where external_ids ? 'stripe_customer';
create index subscriptions_stripe on subscriptions ((external_ids->>'stripe_subscription')) where external_ids ? 'stripe_subscription';
-- An online payment is recorded once: its checkout session makes one order.
create unique index orders_payment_reference on orders (account_id, payment_provider, payment_reference)
  where payment_provider = 'stripe';
