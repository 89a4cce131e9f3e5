-- Issue K/L: the customer hears that a payment failed (a subscription fell past due: its licenses keep
-- working until the dunning window ends). The event trigger of 0025, with that email.
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

  -- The receipt of a paid order, to its customer.
  insert into emails (account_id, template, event_id, subject_type, subject_id)
  select n.account_id, n.type, n.id, n.subject_type, n.subject_id
  from new_events n
  where n.subject_type = 'order' and n.type = 'order.paid';

  -- A failed payment, to the subscription's customer (the dunning window's start).
  insert into emails (account_id, template, event_id, subject_type, subject_id)
  select n.account_id, n.type, n.id, n.subject_type, n.subject_id
  from new_events n
  where n.subject_type = 'subscription' and n.type = 'subscription.past_due';
  return null;
end $$;
