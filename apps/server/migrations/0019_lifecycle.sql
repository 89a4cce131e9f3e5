-- Issue J: the lifecycle runs itself. The job queue lives in its own schema (pg-boss installs and migrates
-- `pgboss` when the server starts); this migration holds what the lifecycle pass needs in ours.

-- A notice (a reminder before expiry or trial end, the start of grace) is given once per license, kind,
-- threshold and term: the primary key makes a second pass, or a second process, a no-op, and a renewed
-- license (a new term end) is reminded again.
create table license_notices (
  license_id uuid not null references licenses(id) on delete cascade,
  account_id uuid not null references accounts(id) on delete cascade,
  kind text not null check (kind in ('expiring', 'trial_ending', 'grace_started')),
  days int not null check (days >= 0),
  term_ends_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (license_id, kind, days, term_ends_at)
);
create index license_notices_account on license_notices (account_id, created_at desc);

-- The pass looks for active licenses by expiry across accounts.
create index licenses_active_expiry on licenses (expires_at) where status = 'active' and expires_at is not null;
