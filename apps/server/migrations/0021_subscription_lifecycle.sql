-- Issue J: subscriptions drive licenses. A missed payment (past_due) keeps the licenses working for the
-- plan's dunning window, then suspends them; the lifecycle pass finds what fell due by these indexes.
alter table plans add column dunning_days int not null default 14 check (dunning_days between 0 and 90);

alter table subscriptions add column dunning_ends_at timestamptz;
alter table subscriptions add column ended_at timestamptz;

create index subscriptions_trial_due on subscriptions (trial_ends_at) where status = 'trialing';
create index subscriptions_period_due on subscriptions (current_period_end) where status = 'active';
create index subscriptions_dunning_due on subscriptions (dunning_ends_at) where status = 'past_due';

-- A subscription's licenses, read on every transition.
create index licenses_subscription on licenses (subscription_id) where subscription_id is not null;
