-- Issue O: start-up safety. Deployment-wide, so no account_id (like schema_migrations); neither table
-- is exported (backup/schema.ts): an import's target records its own.

-- The master key's check value (crypto/master-key.ts masterKeyCheckOf), recorded by the first process;
-- a process whose key gives another value refuses to start. One row.
create table master_key_check (
  id boolean primary key default true check (id),
  check_value text not null,
  recorded_at timestamptz not null default now()
);

-- The processes serving this database and the PUBLIC_URL each issues tokens as, heartbeated while they
-- run and removed when they stop; a start on another PUBLIC_URL beside a live one is refused.
create table server_processes (
  id uuid primary key,
  host text not null,
  pid int not null,
  public_url text not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);
