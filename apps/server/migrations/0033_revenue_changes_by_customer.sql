-- Issue M, revenue analytics: a run of the revenue-snapshots job starts from the balances it stored for
-- the day before and reads the history of only the customers its days change (their subscriptions'
-- state at its first day's start).
create index subscription_changes_account_customer
  on subscription_changes (account_id, customer_id, subscription_id, at desc, id desc);

-- A change dated before a day the job already stored (a subscription created with a past start) marks the
-- account's days from then stale, in the change's transaction: the next run computes them again. `marks`
-- counts the marks, so a run clears only what it saw. This replaces looking for such changes by
-- `recorded_at`, which a transaction committing during a run could slip past.
alter table revenue_snapshot_runs add column stale_from date;
alter table revenue_snapshot_runs add column marks bigint not null default 0;
drop index subscription_changes_account_recorded;
