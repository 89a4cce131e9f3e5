-- Issue O: row-level security on every account-scoped table. The server's account-scoped work (a staff or
-- customer request, once its caller is known) connects as keyward_app, which is neither the tables' owner
-- nor BYPASSRLS, and sets keyward.account_id in each transaction; a session without the setting sees no
-- row and can write none. The owner (migrations, jobs, batchers, claim loops) is not subject to these
-- policies and keys its queries by account in code. New account-scoped tables get the same policy (the
-- architecture test checks every table with an account_id column).
create or replace function keyward_current_account() returns uuid language sql stable parallel safe
  as $$ select nullif(current_setting('keyward.account_id', true), '')::uuid $$;

do $$
declare t text;
begin
  for t in
    select c.table_name from information_schema.columns c
      join information_schema.tables tb using (table_schema, table_name)
     where c.table_schema = current_schema() and c.column_name = 'account_id' and tb.table_type = 'BASE TABLE'
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy account_rows on %I using (account_id = keyward_current_account()) '
      'with check (account_id = keyward_current_account())', t);
  end loop;
end $$;

alter table accounts enable row level security;
create policy account_rows on accounts
  using (id = keyward_current_account()) with check (id = keyward_current_account());

-- The app role. A managed database may not let the connecting user create roles: the server then runs
-- without row-level security and says so at start (an administrator can create the role and grant it).
do $$
begin
  if not exists (select from pg_roles where rolname = 'keyward_app') then
    create role keyward_app nologin;
  end if;
exception
  when insufficient_privilege then
    raise notice 'keyward: could not create the role keyward_app (%); row-level security stays off', sqlerrm;
  when duplicate_object or unique_violation then
    null; -- roles are per server: another database's migration made it at the same moment
end $$;

do $$
begin
  if exists (select from pg_roles where rolname = 'keyward_app') then
    execute format('grant keyward_app to %I', current_user);
  end if;
exception when insufficient_privilege then
  raise notice 'keyward: could not grant keyward_app to % (%); row-level security stays off', current_user, sqlerrm;
end $$;

-- What the app role may touch: every table but what only start-up and migrations use. A function, so a
-- server started after an administrator made the role can grant it then (startup/row-security.ts).
create or replace function keyward_grant_app_role() returns void language plpgsql as $$
begin
  if not exists (select from pg_roles where rolname = 'keyward_app') then
    return;
  end if;
  execute format('grant usage on schema %I to keyward_app', current_schema());
  execute format('grant select, insert, update, delete on all tables in schema %I to keyward_app', current_schema());
  execute format('grant usage, select on all sequences in schema %I to keyward_app', current_schema());
  execute format('alter default privileges in schema %I grant select, insert, update, delete on tables to keyward_app', current_schema());
  execute format('alter default privileges in schema %I grant usage, select on sequences to keyward_app', current_schema());
  revoke all on schema_migrations, master_key_check, server_processes from keyward_app;
end $$;

select keyward_grant_app_role();
