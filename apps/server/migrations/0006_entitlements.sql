-- Usage quotas: one counter per license, feature and period (hour/day/month, or "total" from the epoch).
create table usage_counters (
  account_id uuid not null references accounts(id) on delete cascade,
  license_id uuid not null references licenses(id) on delete cascade,
  feature text not null,
  period_start timestamptz not null,
  count bigint not null default 0 check (count >= 0),
  updated_at timestamptz not null default now(),
  primary key (license_id, feature, period_start)
);
create index usage_counters_account on usage_counters (account_id, license_id, period_start desc);
