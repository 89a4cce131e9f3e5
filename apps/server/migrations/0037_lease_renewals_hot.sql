-- Issue H, B12: a lease renewal (a heartbeat on a floating license) rewrites the seat's lease end. With
-- lease_expires_at in an index every renewal was a non-HOT update: a new entry in each of the table's
-- eleven indexes, for a row whose indexed facts had not changed. The live-lease index now names the
-- seats that are leases by a flag that never changes after the first lease, so a renewal (lease end and
-- updated_at only) stays on its heap page. The sweep finds lapsed leases among the live leases through
-- that index and reads their ends from the rows.
alter table activations add column leased boolean not null default false;
update activations set leased = true where lease_expires_at is not null;

-- Whatever path sets a lease end (a seat taken, a device reactivated, a lease revived) marks the seat.
create function activations_mark_leased() returns trigger language plpgsql as $$
begin
  new.leased := new.leased or new.lease_expires_at is not null;
  return new;
end $$;
create trigger activations_mark_leased before insert or update of lease_expires_at on activations
  for each row execute function activations_mark_leased();

drop index activations_live_leases;
create index activations_live_leases on activations (license_id) where status = 'active' and leased;
