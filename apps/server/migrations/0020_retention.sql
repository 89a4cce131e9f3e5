-- Issue J: retention. Seats that ended more than 90 days ago move here (the `retention` job), so the live
-- table holds live seats and recent history. The columns of `activations`, then when the seat moved. The
-- job copies by column name: a column added to `activations` later must be added here too, or is dropped.
create table activations_archive (like activations including defaults);
alter table activations_archive add column archived_at timestamptz not null default now();
alter table activations_archive add primary key (id);
create index activations_archive_license on activations_archive (license_id);
create index activations_archive_account on activations_archive (account_id, archived_at desc);

-- The job finds seats that ended long ago, and old usage rows, by time.
create index activations_ended on activations (deactivated_at) where status <> 'active';
create index usage_events_at on usage_events (at);
