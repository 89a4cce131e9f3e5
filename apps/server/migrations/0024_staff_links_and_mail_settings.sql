-- Issue K: staff invitations and password resets by one-time, expiring links; the optional "new device"
-- notice to customers.
--
-- An invited user has no password until they follow their link.
alter table users alter column password_hash drop not null;
alter table users drop constraint if exists users_status_check;
alter table users add constraint users_status_check check (status in ('active', 'disabled', 'invited'));

-- A link's token is only compared, so only its keyed digest is kept (like refresh tokens); the token itself
-- travels sealed in its email's data until the email is pruned.
create table user_links (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  purpose text not null check (purpose in ('invitation', 'password_reset')),
  token_digest text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index user_links_user on user_links (user_id, purpose);

-- The event trigger of 0023, now also queuing the "a new device took a seat" notice for accounts that
-- turned it on (Settings → Email; off by default, so activations write no email row unless asked).
create or replace function keyward_fan_out_events() returns trigger language plpgsql as $$
begin
  if current_setting('keyward.restoring', true) = 'on' then
    return null;
  end if;
  insert into webhook_deliveries (account_id, endpoint_id, event_id, event_type)
  select n.account_id, e.id, n.id, n.type
  from new_events n
  join webhook_endpoints e on e.account_id = n.account_id and e.enabled
  where case when n.type = 'webhook_endpoint.test'
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
  return null;
end $$;
