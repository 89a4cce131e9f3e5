-- Licensing core: licenses, activations (devices), device blocks, usage/validation log.
create table licenses (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  key_digest text not null unique,
  key_enc text not null,
  key_last4 text not null,
  product_id uuid references products(id) on delete set null,
  plan_id uuid not null references plans(id),
  customer_id uuid references customers(id) on delete set null,
  subscription_id uuid references subscriptions(id) on delete set null,
  order_id uuid,
  license_type text not null check (license_type in ('perpetual','subscription','trial','evaluation','concurrent','named_user')),
  license_model text not null check (license_model in ('per_seat','per_device','per_cpu','per_core','site','enterprise')),
  status text not null check (status in ('pending','active','suspended','expired','revoked')),
  status_reason text,
  max_activations int check (max_activations is null or max_activations >= 0),
  features jsonb not null default '[]'::jsonb,
  limits jsonb not null default '{}'::jsonb,
  restrictions jsonb not null default '[]'::jsonb,
  starts_at timestamptz not null,
  expires_at timestamptz,
  maintenance_expires_at timestamptz,
  grace_period_days int not null default 0 check (grace_period_days >= 0),
  trial_ends_at timestamptz,
  auto_renew boolean not null default false,
  offline_file_ttl_days int not null default 30 check (offline_file_ttl_days > 0),
  metadata jsonb not null default '{}'::jsonb,
  version int not null default 1,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index licenses_account_created on licenses (account_id, created_at desc, id desc);
create index licenses_account_status on licenses (account_id, status, created_at desc);
create index licenses_account_customer on licenses (account_id, customer_id);
create index licenses_account_plan on licenses (account_id, plan_id);
create index licenses_account_expires on licenses (account_id, expires_at) where expires_at is not null;
create index licenses_account_last4 on licenses (account_id, key_last4);

create table activations (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  license_id uuid not null references licenses(id) on delete cascade,
  device_id text not null,
  fingerprint_hash text,
  machine_name text,
  hostname text,
  platform text,
  os text,
  os_version text,
  app_version text,
  cpu_cores int,
  ip text,
  country text,
  user_agent text,
  activation_type text not null default 'online' check (activation_type in ('online','offline','emergency')),
  status text not null default 'active' check (status in ('active','deactivated','expired','blocked')),
  activated_at timestamptz not null default now(),
  last_heartbeat_at timestamptz,
  last_validated_at timestamptz,
  deactivated_at timestamptz,
  deactivation_reason text,
  usage_metrics jsonb not null default '{}'::jsonb,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One live seat per device per license: the database refuses a second, whatever the application does.
create unique index activations_one_active_seat on activations (license_id, device_id) where status = 'active';
create index activations_license on activations (license_id, status);
create index activations_account_created on activations (account_id, created_at desc, id desc);
create index activations_account_heartbeat on activations (account_id, last_heartbeat_at desc);
create index activations_account_device on activations (account_id, device_id);
create index activations_live_device on activations (device_id) where status = 'active';

create table device_blocks (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  device_id text,
  fingerprint_hash text,
  reason text not null default '',
  created_by text,
  created_at timestamptz not null default now(),
  check (device_id is not null or fingerprint_hash is not null)
);
create index device_blocks_device on device_blocks (account_id, device_id);
create index device_blocks_fingerprint on device_blocks (account_id, fingerprint_hash);

-- What apps did (activation, validation, heartbeat, sync, usage), for analytics. Written in batches;
-- identical outcomes of one seat within a flush interval are one row with a count.
create table usage_events (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts(id) on delete cascade,
  license_id uuid,
  activation_id uuid,
  kind text not null check (kind in ('activation','validation','heartbeat','sync','usage','deactivation')),
  success boolean not null,
  code text not null,
  ip text,
  count int not null default 1 check (count > 0),
  at timestamptz not null default now()
);
create index usage_events_account_at on usage_events (account_id, at desc);
create index usage_events_license_at on usage_events (license_id, at desc);
