-- Issue L, first step: orders. An order is numbered per account, priced in minor units of one currency,
-- and moves draft → pending_approval (when a plan of it requires approval) → approved → paid →
-- fulfilled, or to cancelled / refunded. Fulfilment issues what it sold, once: the order's row lock
-- and its status decide it, in the transaction that issues the licenses.
alter table plans add column requires_approval boolean not null default false;

create table order_counters (
  account_id uuid primary key references accounts(id) on delete cascade,
  last_number int not null
);

create table orders (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  number int not null,
  customer_id uuid not null references customers(id),
  status text not null default 'draft' check (status in
    ('draft', 'pending_approval', 'approved', 'paid', 'fulfilled', 'cancelled', 'refunded')),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  subtotal_cents int not null default 0 check (subtotal_cents >= 0),
  discount_cents int not null default 0 check (discount_cents >= 0),
  tax_cents int not null default 0 check (tax_cents >= 0),
  total_cents int not null default 0 check (total_cents >= 0),
  requires_approval boolean not null default false,
  payment_provider text check (payment_provider in ('manual', 'stripe')),
  payment_reference text,
  notes text not null default '',
  metadata jsonb not null default '{}'::jsonb,
  submitted_at timestamptz,
  approved_at timestamptz,
  approved_by uuid,
  paid_at timestamptz,
  fulfilled_at timestamptz,
  cancelled_at timestamptz,
  refunded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, number)
);
create index orders_account_created on orders (account_id, created_at desc, id desc);
create index orders_account_customer on orders (account_id, customer_id);
create index orders_account_status on orders (account_id, status);

create table order_items (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  order_id uuid not null references orders(id) on delete cascade,
  position int not null,
  plan_id uuid not null references plans(id),
  billing_cycle text not null check (billing_cycle in ('monthly', 'annual', 'one_time')),
  quantity int not null check (quantity between 1 and 100000),
  unit_amount_cents int not null check (unit_amount_cents >= 0),
  amount_cents int not null check (amount_cents >= 0),
  description text not null default '',
  -- What fulfilment issued for the line: a subscription (recurring) and its license, or a license.
  subscription_id uuid references subscriptions(id),
  license_id uuid references licenses(id),
  unique (order_id, position)
);

create index licenses_order on licenses (order_id) where order_id is not null;

-- The event trigger of 0024, now also queuing the receipt of a paid order.
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
  return null;
end $$;
