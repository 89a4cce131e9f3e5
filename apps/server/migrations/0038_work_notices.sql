-- Issue H (B1, the cost of waiting): every process that sends webhooks looked for due deliveries every
-- 100 ms and for emails every second, busy or not: on the embedded engine 6 % of a core for an idle
-- server, and a share of every validation's time under load. The tables now say when work was queued:
-- a NOTIFY on `keyward_work` (payload: what kind), sent when the inserting transaction commits, once
-- per transaction whatever the number of rows. The senders wake on it (db/work-notices.ts) and look by
-- themselves only for what falls due later (retries) and for leases of processes that died.
create function keyward_notify_work() returns trigger language plpgsql as $$
begin
  if exists (select 1 from queued) then
    perform pg_notify('keyward_work', tg_argv[0]);
  end if;
  return null;
end $$;

create trigger webhook_deliveries_queued after insert on webhook_deliveries
  referencing new table as queued for each statement execute function keyward_notify_work('webhooks');
create trigger emails_queued after insert on emails
  referencing new table as queued for each statement execute function keyward_notify_work('emails');
