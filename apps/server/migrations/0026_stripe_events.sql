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
