-- Issue K: email to customers and staff. An email is queued in the transaction that causes it: the event
-- trigger queues the customer emails of license events (rendered from the event, the license and its
-- customer when sent, so a license key is never stored outside its sealed column), and staff emails
-- (invitation, password reset) are queued by the change that needs them. A worker in every process
-- sends them over SMTP with retries; without SMTP they are held in the outbox.
create table emails (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  template text not null,
  event_id bigint references events(id),
  subject_type text,
  subject_id text,
  -- Set when it is rendered for sending (the recipient as of then).
  to_address text,
  subject text,
  -- A direct email's own fields (sealed where secret).
  data jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'outbox', 'skipped')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default now()
);
create index emails_due on emails (next_attempt_at) where status = 'pending';
create index emails_account on emails (account_id, created_at desc);
create unique index emails_event_template on emails (event_id, template) where event_id is not null;

-- The event trigger of 0022, now also queuing the customer emails of license events (and sending a test
-- event to its endpoint whatever the endpoint's filter); the "a new device took a seat" notice for
-- accounts that turned it on (Settings → Email; off by default, so activations write no email row
-- unless asked); the receipt of a paid order and the "payment failed" notice of a subscription falling
-- past due (issue L).
create or replace function keyward_fan_out_events() returns trigger language plpgsql as $$
begin
  -- An import (`keyward import`) brings the log's history, and its deliveries and emails with it: none
  -- is queued again.
  if current_setting('keyward.restoring', true) = 'on' then
    return null;
  end if;
  insert into webhook_deliveries (account_id, endpoint_id, event_id, event_type)
  select n.account_id, e.id, n.id, n.type
  from new_events n
  join webhook_endpoints e on e.account_id = n.account_id and e.enabled
  where case when n.type = 'webhook_endpoint.test'
    -- A test event goes to the endpoint it was sent to, whatever that endpoint's filter.
    then n.subject_id = e.id::text
    else cardinality(e.event_types) = 0 or n.type = any(e.event_types)
         or split_part(n.type, '.', 1) || '.*' = any(e.event_types) end;

  insert into emails (account_id, template, event_id, subject_type, subject_id)
  select n.account_id, n.type, n.id, n.subject_type, n.subject_id
  from new_events n
  where n.subject_type = 'license' and n.type in ('license.created', 'license.expiring', 'license.trial_ending',
    'license.expired', 'license.trial_ended', 'license.suspended', 'license.reinstated', 'license.renewed');

  insert into emails (account_id, template, event_id, subject_type, subject_id)
  select n.account_id, n.type, n.id, 'license', n.data->>'license_id'
  from new_events n join accounts a on a.id = n.account_id
  where n.type = 'activation.created' and (a.settings->'emails'->>'activation.created') = 'true';

  insert into emails (account_id, template, event_id, subject_type, subject_id)
  select n.account_id, n.type, n.id, n.subject_type, n.subject_id
  from new_events n
  where (n.subject_type = 'order' and n.type = 'order.paid')
     or (n.subject_type = 'subscription' and n.type = 'subscription.past_due');
  return null;
end $$;
