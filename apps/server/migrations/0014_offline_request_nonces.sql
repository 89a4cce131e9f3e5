-- An offline activation request is used once: its nonce is claimed when a license file is made from it
-- and kept until the request itself would be refused as too old (30 days after it was written).
create table offline_request_nonces (
  license_id uuid not null references licenses(id) on delete cascade,
  nonce text not null,
  account_id uuid not null references accounts(id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (license_id, nonce)
);
create index offline_request_nonces_expiry on offline_request_nonces (expires_at);
