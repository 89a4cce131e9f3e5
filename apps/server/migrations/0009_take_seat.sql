-- Live seats per license, kept by a trigger on activations whatever path changes a seat, so taking a
-- seat reads one number under the license lock instead of counting rows (a site license with thousands
-- of seats counted them all on every activation).
alter table licenses add column active_seats int not null default 0 check (active_seats >= 0);
update licenses l set active_seats = s.n
  from (select license_id, count(*)::int as n from activations where status = 'active' group by license_id) s
  where s.license_id = l.id;

-- `keyward import` loads licenses with their exported counters and sets keyward.restoring to skip this.
create function activations_count_seats() returns trigger language plpgsql as $$
begin
  if current_setting('keyward.restoring', true) = 'on' then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') and old.status = 'active'
     and not (tg_op = 'UPDATE' and new.status = 'active' and new.license_id = old.license_id) then
    update licenses set active_seats = active_seats - 1 where id = old.license_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.status = 'active'
     and not (tg_op = 'UPDATE' and old.status = 'active' and new.license_id = old.license_id) then
    update licenses set active_seats = active_seats + 1 where id = new.license_id;
  end if;
  return null;
end;
$$;
create trigger activations_count_seats after insert or delete or update of status, license_id on activations
  for each row execute function activations_count_seats();

-- Activation in one round trip: the whole seat decision runs here, under the license row lock, and
-- commits with the statement. The application has already checked the license's state, dates and
-- restrictions on an unlocked read; `p_version` says which version it checked, and a license changed
-- since then answers 'stale' so the application reads it again. Each statement in PL/pgSQL takes a new
-- snapshot, so the count below sees every seat committed before the lock was granted.
create function keyward_take_seat(
  p_account_id uuid,
  p_license_id uuid,
  p_version int,
  p_activation jsonb,
  p_event jsonb
) returns table (outcome text, activation_id uuid, seats_used int, max_activations int)
language plpgsql as $$
declare
  lic record;
  seat record;
  act activations;
  used int;
begin
  act := jsonb_populate_record(null::activations, p_activation);
  select l.version, l.max_activations, l.active_seats into lic from licenses l
    where l.id = p_license_id and l.account_id = p_account_id for update;
  if not found then
    return query select 'gone'::text, null::uuid, 0, null::int;
    return;
  end if;
  if lic.version <> p_version then
    return query select 'stale'::text, null::uuid, 0, lic.max_activations;
    return;
  end if;
  if exists (select 1 from device_blocks b where b.account_id = p_account_id
      and (b.device_id = act.device_id or b.fingerprint_hash = act.fingerprint_hash)) then
    return query select 'blocked'::text, null::uuid, 0, lic.max_activations;
    return;
  end if;
  used := lic.active_seats;
  select a.id into seat from activations a
    where a.license_id = p_license_id and a.device_id = act.device_id and a.status = 'active';
  if found then
    update activations a set app_version = coalesce(act.app_version, a.app_version), ip = act.ip,
      last_heartbeat_at = act.last_heartbeat_at, updated_at = now() where a.id = seat.id;
    return query select 'reused'::text, seat.id, used, lic.max_activations;
    return;
  end if;
  if lic.max_activations is not null and used >= lic.max_activations then
    return query select 'limit'::text, null::uuid, used, lic.max_activations;
    return;
  end if;
  insert into activations (id, account_id, license_id, device_id, fingerprint_hash, machine_name, hostname, platform,
    os, os_version, app_version, cpu_cores, ip, country, user_agent, activation_type, activated_at, last_heartbeat_at, metadata)
  values (act.id, p_account_id, p_license_id, act.device_id, act.fingerprint_hash, act.machine_name, act.hostname,
    act.platform, act.os, act.os_version, act.app_version, act.cpu_cores, act.ip, act.country, act.user_agent,
    act.activation_type, act.activated_at, act.last_heartbeat_at, coalesce(act.metadata, '{}'::jsonb));
  insert into events (account_id, type, actor_type, actor_id, subject_type, subject_id, ip, request_id, data, created_at, row_hash)
  select e.account_id, e.type, e.actor_type, e.actor_id, e.subject_type, e.subject_id, e.ip, e.request_id,
    coalesce(e.data, '{}'::jsonb), e.created_at, e.row_hash
  from jsonb_populate_record(null::events, p_event) e;
  return query select 'created'::text, act.id, used + 1, lic.max_activations;
end;
$$;
