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

