-- Issue H: what a seat is comes from the license's policy (apps/server/src/policies/policy.ts).
-- An activation now takes `seats` seats (1 per device; a device's cores or sockets on per-core and
-- per-CPU licenses; 0 where nothing is counted), and `licenses.active_seats` sums them. A floating
-- license's seat is a lease until `lease_expires_at`: heartbeats renew it, and the next seat taken on
-- the license (under its lock, so exact across processes) first releases the leases that lapsed.
-- The application passes each item's `seats`, `ceiling` (the limit with the policy's overage; null:
-- unlimited; absent: max_activations), `lease_until` (floating only) and `at` (its clock). A seat taken past `max_activations`
-- but within the ceiling answers 'created_over'. An item with `user_ref` (named users) must name a user
-- assigned to the license ('user_not_assigned') with fewer than `user_devices` live devices
-- ('user_device_limit'). `unique_scope` ('product' or 'account') refuses a device that holds a live seat
-- of another license of the same product or account ('device_taken'); `match_components` lets a seat
-- whose fingerprint differs be the same machine when that many of its `components` digests agree.
alter table activations add column seats int not null default 1 check (seats >= 0);
-- Named-user licenses: a seat is a user staff assigned (email or external id); each of the user's devices
-- holds an activation that names the user, up to the policy's devices_per_user.
alter table activations add column user_ref text;
-- Device matching by components (policy device_matching 'components'): digests of the hardware
-- components the app reports; a device whose fingerprint changed keeps its seat when enough agree.
alter table activations add column component_hashes jsonb;
create table license_users (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  license_id uuid not null references licenses(id) on delete cascade,
  user_ref text not null check (length(user_ref) between 1 and 320),
  name text,
  created_at timestamptz not null default now()
);
create unique index license_users_one_per_license on license_users (license_id, lower(user_ref));
create index license_users_account on license_users (account_id, created_at desc);
create index activations_live_user on activations (license_id, lower(user_ref))
  where status = 'active' and user_ref is not null;
alter table activations add column lease_expires_at timestamptz;
create index activations_live_leases on activations (license_id, lease_expires_at)
  where status = 'active' and lease_expires_at is not null;

create or replace function activations_count_seats() returns trigger language plpgsql as $$
begin
  if current_setting('keyward.restoring', true) = 'on' then
    return null;
  end if;
  if old.status = 'active' and not (tg_op = 'UPDATE' and new.status = 'active' and new.license_id = old.license_id) then
    update licenses set active_seats = active_seats - old.seats where id = old.license_id;
  end if;
  if tg_op = 'UPDATE' and new.status = 'active'
     and not (old.status = 'active' and new.license_id = old.license_id) then
    update licenses set active_seats = active_seats + new.seats where id = new.license_id;
  end if;
  return null;
end;
$$;

create or replace function activations_count_new_seats() returns trigger language plpgsql as $$
begin
  if current_setting('keyward.restoring', true) = 'on' then
    return null;
  end if;
  update licenses l set active_seats = l.active_seats + n.seats
    from (select license_id, sum(seats)::int as seats from added where status = 'active' group by license_id) n
    where l.id = n.license_id;
  return null;
end;
$$;

drop function keyward_take_seats(jsonb);
-- `released`: leases this item's license released first, so the application can tell every process.
create function keyward_take_seats(p_items jsonb)
returns table (i int, outcome text, activation_id uuid, seats_used int, max_activations int, released int)
language plpgsql as $$
declare
  it record;
  lic record;
  lic_found boolean := false;
  current_license uuid;
  used int;
  seat uuid;
  device text;
  last_device text;
  last_seat uuid;
  last_fingerprint text;
  seat_fingerprint text;
  seat_components jsonb;
  created int[] := '{}';
  -- Users given a new device earlier in this batch, on the current license (inserted at the end).
  batch_users text[] := '{}';
  culled int := 0;
  -- Most accounts block no device: then no item needs the per-device check.
  any_blocks boolean := exists (select 1 from device_blocks b
    where b.account_id in (select (e->>'account_id')::uuid from jsonb_array_elements(p_items) e));
begin
  for it in
    select (e->>'i')::int as i, (e->>'account_id')::uuid as account_id, (e->>'license_id')::uuid as license_id,
      (e->>'version')::int as version, e->'activation' as activation,
      coalesce((e->>'seats')::int, 1) as seats, (e->>'ceiling')::int as ceiling, e ? 'ceiling' as has_ceiling,
      (e->>'lease_until')::timestamptz as lease_until, lower(e->>'user_ref') as user_ref,
      (e->>'user_devices')::int as user_devices, e->>'unique_scope' as unique_scope,
      (e->>'product_id')::uuid as product_id, e->'components' as components,
      (e->>'match_components')::int as match_components, coalesce((e->>'at')::timestamptz, now()) as at
    from jsonb_array_elements(p_items) e
    order by (e->>'license_id')::uuid, e->'activation'->>'device_id', (e->>'i')::int
  loop
    i := it.i;
    activation_id := null;
    released := 0;
    device := it.activation->>'device_id';
    if current_license is distinct from it.license_id then
      current_license := it.license_id;
      last_device := null;
      batch_users := '{}';
      select l.version, l.max_activations, l.active_seats into lic from licenses l
        where l.id = it.license_id and l.account_id = it.account_id for update;
      lic_found := found;
      used := lic.active_seats;
      -- A floating license first releases the leases nobody renewed in time (their seats count down).
      if lic_found and it.lease_until is not null then
        update activations a set status = 'expired', deactivated_at = it.at, deactivation_reason = 'lease_expired',
          updated_at = now()
          where a.license_id = it.license_id and a.status = 'active' and a.lease_expires_at < it.at;
        get diagnostics culled = row_count;
        if culled > 0 then
          released := culled;
          select l.active_seats into used from licenses l where l.id = it.license_id;
        end if;
      end if;
    end if;
    if not lic_found then
      outcome := 'gone'; seats_used := 0; max_activations := null;
      return next;
      continue;
    end if;
    max_activations := lic.max_activations;
    seats_used := used;
    if lic.version <> it.version then
      outcome := 'stale';
    elsif any_blocks and exists (select 1 from device_blocks b where b.account_id = it.account_id
        and (b.device_id = device or b.fingerprint_hash = it.activation->>'fingerprint_hash')) then
      outcome := 'blocked';
    elsif last_device = device then
      activation_id := last_seat;
      outcome := case when last_fingerprint is distinct from it.activation->>'fingerprint_hash'
        then 'fingerprint_mismatch' else 'reused' end;
    else
      select a.id, a.fingerprint_hash, a.component_hashes into seat, seat_fingerprint, seat_components from activations a
        where a.license_id = it.license_id and a.device_id = device and a.status = 'active';
      if found and seat_fingerprint is distinct from it.activation->>'fingerprint_hash'
          and not (it.match_components is not null and it.match_components <= (
            select count(*) from jsonb_each_text(coalesce(seat_components, '{}'::jsonb)) s
              join jsonb_each_text(coalesce(it.components, '{}'::jsonb)) c on c.key = s.key and c.value = s.value)) then
        outcome := 'fingerprint_mismatch';
        activation_id := seat;
        last_device := device;
        last_seat := seat;
        last_fingerprint := seat_fingerprint;
      elsif found then
        update activations a set app_version = coalesce(it.activation->>'app_version', a.app_version),
          ip = it.activation->>'ip', last_heartbeat_at = (it.activation->>'last_heartbeat_at')::timestamptz,
          lease_expires_at = coalesce(it.lease_until, a.lease_expires_at),
          -- Matched by components: the machine's new fingerprint and components are its seat's now.
          fingerprint_hash = it.activation->>'fingerprint_hash', component_hashes = coalesce(it.components, a.component_hashes),
          updated_at = now()
          where a.id = seat;
        outcome := 'reused';
        activation_id := seat;
        last_device := device;
        last_seat := seat;
        last_fingerprint := seat_fingerprint;
      elsif it.unique_scope is not null and exists (select 1 from activations a join licenses l on l.id = a.license_id
          where a.device_id = device and a.status = 'active' and a.license_id <> it.license_id
            and a.account_id = it.account_id
            and (it.unique_scope = 'account' or l.product_id is not distinct from it.product_id)) then
        outcome := 'device_taken';
      elsif it.user_ref is not null and not exists (select 1 from license_users u
          where u.license_id = it.license_id and lower(u.user_ref) = it.user_ref) then
        outcome := 'user_not_assigned';
      elsif it.user_ref is not null and it.user_devices is not null and it.user_devices <= (
          select count(*) from activations a where a.license_id = it.license_id and a.status = 'active'
            and lower(a.user_ref) = it.user_ref) + (select count(*) from unnest(batch_users) b where b = it.user_ref) then
        outcome := 'user_device_limit';
      elsif (case when it.has_ceiling then it.ceiling else max_activations end) is not null
          and used + it.seats > (case when it.has_ceiling then it.ceiling else max_activations end) then
        outcome := 'limit';
      else
        used := used + it.seats;
        -- Past the limit but within the policy's overage: taken, answered with a warning.
        outcome := case when max_activations is not null and used > max_activations then 'created_over' else 'created' end;
        activation_id := (it.activation->>'id')::uuid;
        seats_used := used;
        created := created || it.i;
        if it.user_ref is not null then
          batch_users := batch_users || it.user_ref;
        end if;
        last_device := device;
        last_seat := activation_id;
        last_fingerprint := it.activation->>'fingerprint_hash';
      end if;
    end if;
    return next;
  end loop;

  insert into activations (id, account_id, license_id, device_id, fingerprint_hash, machine_name, hostname, platform,
    os, os_version, app_version, cpu_cores, ip, country, user_agent, activation_type, activated_at, last_heartbeat_at, metadata,
    seats, lease_expires_at, user_ref, component_hashes)
  select a.id, (e->>'account_id')::uuid, (e->>'license_id')::uuid, a.device_id, a.fingerprint_hash, a.machine_name,
    a.hostname, a.platform, a.os, a.os_version, a.app_version, a.cpu_cores, a.ip, a.country, a.user_agent,
    a.activation_type, a.activated_at, a.last_heartbeat_at, coalesce(a.metadata, '{}'::jsonb),
    coalesce((e->>'seats')::int, 1), (e->>'lease_until')::timestamptz, e->>'user_ref', e->'components'
  from jsonb_array_elements(p_items) e, jsonb_populate_record(null::activations, e->'activation') a
  where (e->>'i')::int = any(created);
  insert into events (account_id, type, actor_type, actor_id, subject_type, subject_id, ip, request_id, data, created_at, row_hash)
  select v.account_id, v.type, v.actor_type, v.actor_id, v.subject_type, v.subject_id, v.ip, v.request_id,
    coalesce(v.data, '{}'::jsonb), v.created_at, v.row_hash
  from jsonb_array_elements(p_items) e, jsonb_populate_record(null::events, e->'event') v
  where (e->>'i')::int = any(created);
end;
$$;

-- Replacing the function resets its settings: keep 0011's.
alter function keyward_take_seats(jsonb) set enable_seqscan = off;
