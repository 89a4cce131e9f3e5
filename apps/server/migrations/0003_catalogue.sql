-- The catalogue: customers (licensees), products, plans (tiers + license templates), subscriptions.
create table customers (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  email text not null,
  company_name text,
  first_name text,
  last_name text,
  phone text,
  address jsonb not null default '{}'::jsonb,
  status text not null default 'active' check (status in ('active','suspended','cancelled')),
  metadata jsonb not null default '{}'::jsonb,
  external_ids jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index customers_account_email on customers (account_id, lower(email));
create index customers_account_created on customers (account_id, created_at desc, id desc);

create table products (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  code text not null,
  name text not null,
  version text,
  description text not null default '',
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, code)
);

create table plans (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  product_id uuid references products(id) on delete set null,
  code text not null,
  name text not null,
  description text not null default '',
  rank int not null default 0 check (rank >= 0),
  license_type text not null default 'subscription' check (license_type in ('perpetual','subscription','trial','evaluation','concurrent','named_user')),
  license_model text not null default 'per_device' check (license_model in ('per_seat','per_device','per_cpu','per_core','site','enterprise')),
  duration_days int check (duration_days is null or duration_days > 0),
  max_activations int default 1 check (max_activations is null or max_activations >= 0),
  features jsonb not null default '[]'::jsonb,
  limits jsonb not null default '{}'::jsonb,
  restrictions jsonb not null default '[]'::jsonb,
  price_monthly_cents int not null default 0 check (price_monthly_cents >= 0),
  price_yearly_cents int not null default 0 check (price_yearly_cents >= 0),
  currency text not null default 'usd',
  trial_allowed boolean not null default false,
  trial_days int not null default 0 check (trial_days >= 0),
  grace_period_days int not null default 7 check (grace_period_days >= 0),
  offline_file_ttl_days int not null default 30 check (offline_file_ttl_days > 0),
  auto_renew boolean not null default true,
  active boolean not null default true,
  public boolean not null default true,
  popular boolean not null default false,
  metadata jsonb not null default '{}'::jsonb,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, code)
);
create index plans_account_rank on plans (account_id, rank);

create table subscriptions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  customer_id uuid not null references customers(id),
  plan_id uuid not null references plans(id),
  status text not null default 'active' check (status in ('trialing','active','past_due','canceled','expired','suspended')),
  billing_cycle text not null default 'monthly' check (billing_cycle in ('monthly','annual')),
  price_cents int not null default 0 check (price_cents >= 0),
  currency text not null default 'usd',
  quantity int not null default 1 check (quantity >= 1),
  current_period_start timestamptz not null default now(),
  current_period_end timestamptz,
  trial_ends_at timestamptz,
  cancel_at_period_end boolean not null default false,
  canceled_at timestamptz,
  external_ids jsonb not null default '{}'::jsonb,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index subscriptions_account_created on subscriptions (account_id, created_at desc, id desc);
create index subscriptions_account_customer on subscriptions (account_id, customer_id);
create index subscriptions_account_status on subscriptions (account_id, status);
