-- Emergency codes issued by staff: one row per slot of a seat, so a slot is never issued twice.
-- The code itself is derived from the server's key when issued and not stored.
create table emergency_codes (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  license_id uuid not null references licenses(id) on delete cascade,
  activation_id uuid not null references activations(id) on delete cascade,
  slot smallint not null check (slot >= 0 and slot < 8),
  reason text,
  issued_by uuid,
  expires_at timestamptz not null,
  redeemed_at timestamptz,
  created_at timestamptz not null default now(),
  unique (activation_id, slot)
);
create index emergency_codes_account on emergency_codes (account_id, created_at desc);
