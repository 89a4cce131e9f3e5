-- A seat is one machine: an activation finds its device's seat again only when the fingerprint agrees.
-- Another fingerprint with the same device id is a different machine claiming the seat (a copied
-- device id, or a cloned disk): it answers 'fingerprint_mismatch' with the seat's id, and the
-- application refuses it and records an event. Otherwise keyward_take_seats is 0010's.

create or replace function keyward_take_seats(p_items jsonb)
returns table (i int, outcome text, activation_id uuid, seats_used int, max_activations int)
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
  created int[] := '{}';
  -- Most accounts block no device: then no item needs the per-device check.
  any_blocks boolean := exists (select 1 from device_blocks b
    where b.account_id in (select (e->>'account_id')::uuid from jsonb_array_elements(p_items) e));
begin
  for it in
    select (e->>'i')::int as i, (e->>'account_id')::uuid as account_id, (e->>'license_id')::uuid as license_id,
      (e->>'version')::int as version, e->'activation' as activation
    from jsonb_array_elements(p_items) e
    order by (e->>'license_id')::uuid, e->'activation'->>'device_id', (e->>'i')::int
  loop
    i := it.i;
    activation_id := null;
    device := it.activation->>'device_id';
    if current_license is distinct from it.license_id then
      current_license := it.license_id;
      last_device := null;
      select l.version, l.max_activations, l.active_seats into lic from licenses l
        where l.id = it.license_id and l.account_id = it.account_id for update;
      lic_found := found;
      used := lic.active_seats;
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
      select a.id, a.fingerprint_hash into seat, seat_fingerprint from activations a
        where a.license_id = it.license_id and a.device_id = device and a.status = 'active';
      if found and seat_fingerprint is distinct from it.activation->>'fingerprint_hash' then
        outcome := 'fingerprint_mismatch';
        activation_id := seat;
        last_device := device;
        last_seat := seat;
        last_fingerprint := seat_fingerprint;
      elsif found then
        update activations a set app_version = coalesce(it.activation->>'app_version', a.app_version),
          ip = it.activation->>'ip', last_heartbeat_at = (it.activation->>'last_heartbeat_at')::timestamptz,
          updated_at = now()
          where a.id = seat;
        outcome := 'reused';
        activation_id := seat;
        last_device := device;
        last_seat := seat;
        last_fingerprint := seat_fingerprint;
      elsif max_activations is not null and used >= max_activations then
        outcome := 'limit';
      else
        used := used + 1;
        outcome := 'created';
        activation_id := (it.activation->>'id')::uuid;
        seats_used := used;
        created := created || it.i;
        last_device := device;
        last_seat := activation_id;
        last_fingerprint := it.activation->>'fingerprint_hash';
      end if;
    end if;
    return next;
  end loop;

  insert into activations (id, account_id, license_id, device_id, fingerprint_hash, machine_name, hostname, platform,
    os, os_version, app_version, cpu_cores, ip, country, user_agent, activation_type, activated_at, last_heartbeat_at, metadata)
  select a.id, (e->>'account_id')::uuid, (e->>'license_id')::uuid, a.device_id, a.fingerprint_hash, a.machine_name,
    a.hostname, a.platform, a.os, a.os_version, a.app_version, a.cpu_cores, a.ip, a.country, a.user_agent,
    a.activation_type, a.activated_at, a.last_heartbeat_at, coalesce(a.metadata, '{}'::jsonb)
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
