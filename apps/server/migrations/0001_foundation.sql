-- Foundation: tenants, staff, sessions, API keys, idempotency.
create table accounts (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  email text not null,
  name text not null default '',
  password_hash text not null,
  role text not null check (role in ('owner','admin','developer','sales','support','read_only')),
  status text not null default 'active' check (status in ('active','disabled')),
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_account_email on users (account_id, lower(email));
create index users_email on users (lower(email));

-- Refresh tokens rotate; reuse of a rotated token revokes its whole family.
create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  family_id uuid not null,
  token_digest text not null unique,
  status text not null default 'active' check (status in ('active','rotated','revoked')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  used_at timestamptz
);
create index refresh_tokens_family on refresh_tokens (family_id);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  name text not null,
  prefix text not null,
  secret_digest text not null unique,
  role text not null check (role in ('admin','developer','sales','support','read_only')),
  created_by uuid references users(id) on delete set null,
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_keys_account on api_keys (account_id, created_at desc);

-- Idempotency-Key replay store, scoped per account and route.
create table idempotency_keys (
  account_id uuid not null references accounts(id) on delete cascade,
  key text not null,
  route text not null,
  request_hash text not null,
  status text not null default 'in_progress' check (status in ('in_progress','completed')),
  response_status int,
  response_body jsonb,
  created_at timestamptz not null default now(),
  primary key (account_id, route, key)
);
