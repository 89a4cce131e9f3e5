-- Issue M: revenue analytics (docs/analytics.md). Subscriptions keep only their current state, so MRR on
-- a past day needs their history: `subscription_changes`. The daily snapshots the charts read are
-- `revenue_daily`, kept by the `revenue-snapshots` job, which records how far it got per account in
-- `revenue_snapshot_runs`.

-- One row each time something a subscription's MRR depends on changed (status, plan, cycle, currency,
-- price, quantity), at the clock's time of the change; written by subscriptions/ in the change's
-- transaction, append-only. `recorded_at` (the database's time) lets the job find changes dated in the
-- past (a backdated subscription) and compute those days again.
create table subscription_changes (
  id bigserial primary key,
  account_id uuid not null references accounts(id) on delete cascade,
  subscription_id uuid not null references subscriptions(id) on delete cascade,
  customer_id uuid not null,
  at timestamptz not null,
  status text not null,
  plan_id uuid not null,
  billing_cycle text not null,
  currency text not null,
  price_cents int not null,
  quantity int not null,
  recorded_at timestamptz not null default now()
);
-- The job's reads: the changes of a day range in order; each subscription's state at a day's start; the
-- changes recorded since its last run.
create index subscription_changes_account_at on subscription_changes (account_id, at, id);
create index subscription_changes_account_subscription on subscription_changes (account_id, subscription_id, at desc, id desc);
create index subscription_changes_account_recorded on subscription_changes (account_id, recorded_at);

-- The history of subscriptions made before this migration, from each row as it is: it started at its
-- period (or trial) start in a trial or paying, and has had its current status since it ended, or since
-- its last change.
insert into subscription_changes (account_id, subscription_id, customer_id, at, status, plan_id,
                                  billing_cycle, currency, price_cents, quantity)
select account_id, id, customer_id, least(created_at, current_period_start),
       case when trial_ends_at is not null then 'trialing' else 'active' end,
       plan_id, billing_cycle, currency, price_cents, quantity
from subscriptions;
insert into subscription_changes (account_id, subscription_id, customer_id, at, status, plan_id,
                                  billing_cycle, currency, price_cents, quantity)
select account_id, id, customer_id,
       greatest(least(created_at, current_period_start), coalesce(ended_at, updated_at)),
       status, plan_id, billing_cycle, currency, price_cents, quantity
from subscriptions
where status <> case when trial_ends_at is not null then 'trialing' else 'active' end;

-- A day's revenue per account, segment and currency, as of the end of the day (UTC). A segment is what
-- a chart may be filtered by: '' every plan and cycle, 'plan:<id>', 'cycle:<cycle>',
-- 'plan:<id>/cycle:<cycle>'; movements are computed within the segment. A day with nothing in a segment
-- has no row (zero). Amounts in minor units of `currency`, never added across currencies.
create table revenue_daily (
  account_id uuid not null references accounts(id) on delete cascade,
  segment text not null,
  day date not null,
  currency text not null,
  plan_id uuid,
  billing_cycle text,
  mrr_cents bigint not null,
  subscribers int not null,
  customers int not null,
  new_cents bigint not null,
  expansion_cents bigint not null,
  contraction_cents bigint not null,
  churn_cents bigint not null,
  reactivation_cents bigint not null,
  new_customers int not null,
  reactivated_customers int not null,
  churned_customers int not null,
  trials_started int not null,
  trials_converted int not null,
  trials_lapsed int not null,
  -- A chart reads one segment over a range of days: one index range.
  primary key (account_id, segment, day, currency)
);
-- The breakdowns (by plan, by cycle) read every segment of one day.
create index revenue_daily_account_day on revenue_daily (account_id, day);

-- How far the job got: days from first_day through computed_through are in revenue_daily.
create table revenue_snapshot_runs (
  account_id uuid primary key references accounts(id) on delete cascade,
  first_day date not null,
  computed_through date not null,
  computed_at timestamptz not null default now()
);
