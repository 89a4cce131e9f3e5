-- A key made with another key answers to the same person (created_by is copied from the parent) and
-- to the parent key itself: revoking a key revokes the keys made with it, down the line.
alter table api_keys add column created_by_key uuid references api_keys(id) on delete set null;
create index api_keys_created_by_key on api_keys (created_by_key) where created_by_key is not null;
