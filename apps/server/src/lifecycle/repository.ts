import type { Queryable } from '../db/database.js';

/** How many licenses one statement of the pass changes: short transactions, on the embedded engine too. */
export const PASS_BATCH = 500;

export interface DueLicense {
  id: string;
  account_id: string;
  license_type: string;
  expires_at: Date;
  grace_period_days: number;
}

// `accountId` null: every account (the schedule); an id: that account only (a run asked for one).

/**
 * Active licenses whose grace has ended by `now` become expired (a batch, locked; rows another process
 * holds are skipped and taken by its pass). Returns what changed.
 */
export function expireLicenses(q: Queryable, now: Date, accountId: string | null) {
  return q<DueLicense[]>`
    update licenses l set status = 'expired', status_reason = 'term ended', version = version + 1,
      updated_at = now()
    from (select id from licenses
          where status = 'active' and expires_at < ${now}
            and (${accountId}::uuid is null or account_id = ${accountId})
            and expires_at + grace_period_days * interval '1 day' < ${now}
          order by expires_at limit ${PASS_BATCH} for update skip locked) due
    where l.id = due.id
    returning l.id, l.account_id, l.license_type, l.expires_at, l.grace_period_days`;
}

export interface Notice {
  license_id: string;
  account_id: string;
  license_type: string;
  kind: 'expiring' | 'trial_ending' | 'grace_started';
  days: number;
  term_ends_at: Date;
}

/** Where a walk over the licenses that may have a notice due stopped: the last one's expiry and id. */
export interface NoticeCursor {
  expires_at: Date;
  id: string;
}

/**
 * The next licenses (up to PASS_BATCH) that may have a notice due by `now`, in expiry order after
 * `after`: active ones ending within the widest threshold, 30 days (an index range; each license is
 * read once per pass, however many notices it already had).
 */
export function licensesInNoticeWindow(
  q: Queryable,
  now: Date,
  accountId: string | null,
  after: NoticeCursor | null,
) {
  return q<NoticeCursor[]>`
    select expires_at, id from licenses
    where status = 'active' and expires_at <= ${now}::timestamptz + interval '30 days'
      and (${accountId}::uuid is null or account_id = ${accountId})
      ${after ? q`and (expires_at, id) > (${after.expires_at}, ${after.id}::uuid)` : q``}
    order by expires_at, id limit ${PASS_BATCH}`;
}

/**
 * Takes the notices due by `now` that were never given, once each (the primary key): reminders before
 * the end of a term (30, 7 and 1 days; 3 and 1 before a trial's), and the start of grace. When several
 * thresholds are crossed at once (a license issued 5 days before its end), all are taken and only the
 * nearest is returned, so a later pass does not send the 30-day reminder after the 7-day one. Licenses
 * of a subscription that renews them (active, not canceling) get no expiry reminder.
 */
export function takeDueNotices(q: Queryable, now: Date, licenseIds: string[]) {
  return q<Notice[]>`
    with due as (
      select l.id as license_id, l.account_id, l.license_type, t.kind, t.days, l.expires_at as term_ends_at
      from licenses l
      cross join lateral (
        select k.kind, k.days from (values
          ('expiring', 30), ('expiring', 7), ('expiring', 1),
          ('trial_ending', 3), ('trial_ending', 1), ('grace_started', 0)) k(kind, days)
        where case k.kind
          -- A subscription that is paid up and not canceling renews the license: nothing to remind.
          when 'expiring' then l.license_type not in ('trial', 'evaluation') and not exists (
            select 1 from subscriptions s
            where s.id = l.subscription_id and s.status = 'active' and not s.cancel_at_period_end)
          when 'trial_ending' then l.license_type in ('trial', 'evaluation')
          else l.grace_period_days > 0 end
      ) t
      where l.id = any(${licenseIds}::uuid[]) and l.status = 'active'
        and l.expires_at - t.days * interval '1 day' <= ${now}
        and (t.kind = 'grace_started') = (l.expires_at < ${now})
    ), taken as (
      insert into license_notices (license_id, account_id, kind, days, term_ends_at)
      select license_id, account_id, kind, days, term_ends_at from due
      on conflict do nothing
      returning license_id, kind, days
    )
    select distinct on (d.license_id, d.kind) d.license_id, d.account_id, d.license_type, d.kind, d.days,
      d.term_ends_at
    from taken t join due d using (license_id, kind, days)
    order by d.license_id, d.kind, d.days`;
}

/** Rows one retention statement moves or deletes: short transactions on a busy table. */
export const RETENTION_BATCH = 5000;

/** Deletes a batch of usage-log rows older than `before` (their hourly sums stay in usage_hourly). */
export async function pruneUsageEvents(q: Queryable, before: Date, accountId: string | null) {
  const rows = await q`
    delete from usage_events where id in (
      select id from usage_events where at < ${before}
        and (${accountId}::uuid is null or account_id = ${accountId})
      limit ${RETENTION_BATCH})`;
  return rows.count;
}

/** Moves a batch of seats that ended before `before` to activations_archive (by column name). */
export async function archiveEndedSeats(q: Queryable, before: Date, accountId: string | null) {
  const rows = await q`
    with moved as (
      delete from activations where id in (
        select id from activations where status <> 'active' and deactivated_at < ${before}
          and (${accountId}::uuid is null or account_id = ${accountId})
        limit ${RETENTION_BATCH})
      returning *)
    insert into activations_archive
    select (jsonb_populate_record(null::activations_archive, to_jsonb(m) || jsonb_build_object('archived_at', now()))).*
    from moved m`;
  return rows.count;
}
