-- Analytics at 1M licenses (bench B7): the overview's counts come from indexes alone, and the time series
-- read an hourly rollup of the usage log instead of millions of its rows.

-- Licenses per status and plan in one index-only scan (the overview's status counts and tier distribution).
create index licenses_account_status_plan on licenses (account_id, status, plan_id);
-- Expiring licenses: the status filter is answered from the index, without visiting rows.
drop index licenses_account_expires;
create index licenses_account_expires on licenses (account_id, expires_at) include (status) where expires_at is not null;
-- Devices seen in the last 24 hours: a range of this index, status and activation time read from it.
drop index activations_account_heartbeat;
create index activations_account_heartbeat on activations (account_id, last_heartbeat_at desc) include (status, activated_at);

-- usage_events summed per account, kind and hour. Written in the same statement as the usage rows
-- (validation/recorder.ts), so the two always agree. Hours are those of the session time zone, like
-- the buckets of the time series, so hours nest in the days and weeks the series group by.
create table usage_hourly (
  account_id uuid not null references accounts(id) on delete cascade,
  kind text not null,
  hour timestamptz not null,
  total bigint not null check (total >= 0),
  failed bigint not null check (failed >= 0),
  primary key (account_id, kind, hour)
);

insert into usage_hourly (account_id, kind, hour, total, failed)
select account_id, kind, date_trunc('hour', at), sum(count), sum(case when success then 0 else count end)
from usage_events group by 1, 2, 3;
