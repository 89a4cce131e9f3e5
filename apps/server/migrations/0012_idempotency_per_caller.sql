-- Idempotency keys belong to one caller (a user or an API key), not to the whole account: a replay
-- answers only the caller who made the first request, after its guard has authorised it again.
-- Stored responses are sealed with the master key (they can hold a new API key's secret or a license
-- key) and last 24 hours, as Stripe's do. The old rows are a replay cache of a day at most: dropped.
drop table idempotency_keys;
create table idempotency_keys (
  account_id uuid not null references accounts(id) on delete cascade,
  caller text not null,
  route text not null,
  key text not null,
  request_hash text not null,
  status text not null default 'in_progress' check (status in ('in_progress','completed')),
  response_status int,
  response_sealed text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (account_id, caller, route, key)
);
create index idempotency_keys_expiry on idempotency_keys (expires_at);
