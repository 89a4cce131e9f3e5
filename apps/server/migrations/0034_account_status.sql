-- Issue O: the operator of a multi-account deployment can disable an account (its staff and API keys stop
-- working; its customers' licenses keep validating). Null: enabled.
alter table accounts add column disabled_at timestamptz;
