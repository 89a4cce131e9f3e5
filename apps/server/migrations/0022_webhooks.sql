-- Issue K: signed outbound webhooks. Every event of the log is deliverable: a trigger on `events` fans
-- each new event out to the account's enabled endpoints that want its type, in the transaction that
-- records it (so an event and its deliveries commit together, whoever inserted it: the server, a stored
-- function, a job). Deliveries are the queue: claimed with `for update skip locked` and a lease, so a
-- process that dies mid-delivery leaves them to be claimed again (at least once, same webhook-id).

create table webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  url text not null check (length(url) <= 2000),
  description text not null default '' check (length(description) <= 500),
  -- Empty: every event. Else exact types ('license.suspended') or a family ('license.*').
  event_types text[] not null default '{}',
  enabled boolean not null default true,
  -- whsec_… sealed with the master key; during a rotation the previous one signs too, until it expires.
  secret_enc text not null,
  previous_secret_enc text,
  previous_secret_expires_at timestamptz,
  disabled_at timestamptz,
  disabled_reason text,
  -- Since when every delivery has failed (null after a success): 5 days of it disables the endpoint.
  failing_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_endpoints_account on webhook_endpoints (account_id, created_at desc);
create index webhook_endpoints_enabled on webhook_endpoints (account_id) where enabled;

create table webhook_deliveries (
  -- The `webhook-id` a receiver sees, the same on every attempt.
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  endpoint_id uuid not null references webhook_endpoints(id) on delete cascade,
  event_id bigint not null references events(id),
  event_type text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts int not null default 0,
  -- When it is due (pending), or until when a process holds it (a claim's lease).
  next_attempt_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  response_status int,
  response_ms int,
  response_body text,
  error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  unique (endpoint_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, created_at desc);

create function keyward_fan_out_events() returns trigger language plpgsql as $$
begin
  insert into webhook_deliveries (account_id, endpoint_id, event_id, event_type)
  select n.account_id, e.id, n.id, n.type
  from new_events n
  join webhook_endpoints e on e.account_id = n.account_id and e.enabled
  where (cardinality(e.event_types) = 0 or n.type = any(e.event_types)
         or split_part(n.type, '.', 1) || '.*' = any(e.event_types))
    -- A test event goes to the endpoint it was sent to, only.
    and (n.type <> 'webhook_endpoint.test' or n.subject_id = e.id::text);
  return null;
end $$;

create trigger events_fan_out after insert on events
  referencing new table as new_events for each statement execute function keyward_fan_out_events();
