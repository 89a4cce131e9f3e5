-- Per-account keys that sign activation tokens and license files.
create table signing_keys (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  kid text not null unique,
  alg text not null check (alg in ('EdDSA','RS256')),
  public_key_pem text not null,
  public_jwk jsonb not null,
  private_key_enc text not null,
  status text not null default 'active' check (status in ('active','retiring','retired')),
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  retire_after timestamptz,
  retired_at timestamptz
);
create unique index signing_keys_one_active on signing_keys (account_id) where status = 'active';
create index signing_keys_account on signing_keys (account_id, created_at desc);
