-- The audit trail: append-only, hash-chained per account.
create table events (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts(id),
  type text not null,
  actor_type text not null,
  actor_id text,
  subject_type text,
  subject_id text,
  ip text,
  request_id text,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null,
  row_hash text not null,
  chain_seq bigint,
  chain_hash text
);
create index events_account_id on events (account_id, id desc);
create index events_account_type on events (account_id, type, id desc);
create index events_account_subject on events (account_id, subject_id, id desc);
create unique index events_chain on events (account_id, chain_seq) where chain_seq is not null;
create index events_unsealed on events (account_id, id) where chain_seq is null;

-- The database itself refuses edits: the only update allowed is sealing (setting chain_seq/chain_hash once).
create function events_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE'
     and old.chain_seq is null and new.chain_seq is not null and new.chain_hash is not null
     and (to_jsonb(new) - 'chain_seq' - 'chain_hash') = (to_jsonb(old) - 'chain_seq' - 'chain_hash') then
    return new;
  end if;
  raise exception 'events are append-only (% refused)', tg_op using errcode = '42501';
end $$;
create trigger events_no_update before update on events for each row execute function events_append_only();
create trigger events_no_delete before delete on events for each row execute function events_append_only();
create trigger events_no_truncate before truncate on events for each statement execute function events_append_only();
