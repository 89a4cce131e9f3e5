-- Issue L: customers sign in to the portal by a one-time emailed link (15 minutes) and get a session.
--
-- Both tokens are only compared, so only their keyed digests are kept; the link's token travels sealed in
-- its email's data until the email is pruned, the session's lives in the customer's browser.
create table customer_links (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  customer_id uuid not null references customers(id) on delete cascade,
  token_digest text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index customer_links_customer on customer_links (customer_id) where used_at is null;

create table customer_sessions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  customer_id uuid not null references customers(id) on delete cascade,
  token_digest text not null unique,
  expires_at timestamptz not null,
  ended_at timestamptz,
  ip text,
  created_at timestamptz not null default now()
);
create index customer_sessions_customer on customer_sessions (customer_id) where ended_at is null;
