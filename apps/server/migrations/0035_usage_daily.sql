-- Issue M, usage analytics: the usage log summed per license, day, kind and outcome code (for `usage`
-- rows the code is the feature), kept by the usage recorder's one statement beside usage_hourly. What the
-- analytics filter by license, customer, plan or product, and keep past the raw log's retention.
create table usage_daily (
  account_id uuid not null references accounts(id) on delete cascade,
  license_id uuid not null,
  day date not null,
  kind text not null,
  code text not null,
  success boolean not null,
  total bigint not null check (total >= 0),
  primary key (license_id, day, kind, code, success)
);
create index usage_daily_account_day on usage_daily (account_id, day);

insert into usage_daily (account_id, license_id, day, kind, code, success, total)
select account_id, license_id, (at at time zone 'UTC')::date, kind, code, success, sum(count)
from usage_events where license_id is not null
group by 1, 2, 3, 4, 5, 6;

-- Active devices are those that made any client call (activation, validation or heartbeat). The hour of
-- a seat's last call is kept apart from the exact times: it changes once an hour, so the index over it
-- leaves the other last-seen writes of that hour HOT updates (an index over last_validated_at would
-- make every validation's write touch the index).
alter table activations add column seen_hour timestamptz;
update activations set seen_hour = date_trunc('hour', greatest(last_validated_at, last_heartbeat_at), 'UTC')
  where last_validated_at is not null or last_heartbeat_at is not null;
create index activations_last_seen on activations (account_id, (greatest(seen_hour, activated_at)))
  where status = 'active';

-- Licenses at 80 % of their seats or more: a partial index the write path keeps, so the analytics list
-- them without reading every license.
create index licenses_near_seat_limit on licenses (account_id)
  where status = 'active' and max_activations > 0 and active_seats * 5 >= max_activations * 4;
-- Quota counters touched lately (those that can be near a limit now).
create index usage_counters_account_updated on usage_counters (account_id, updated_at);
