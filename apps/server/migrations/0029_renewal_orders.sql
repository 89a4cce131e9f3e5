-- Issue J/L: a manually billed subscription whose period ends unpaid gets a renewal order for the next
-- period (paying it renews the subscription). One per subscription and period, across processes.
alter table orders add column renews_subscription_id uuid references subscriptions(id) on delete set null;
alter table orders add column renews_period_end timestamptz;
create unique index orders_renewal_once on orders (renews_subscription_id, renews_period_end)
  where renews_subscription_id is not null;
