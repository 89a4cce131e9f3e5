import type { Queryable } from '../db/database.js';

export type UsageKind = 'activation' | 'validation' | 'heartbeat' | 'sync' | 'usage' | 'deactivation';

export interface PendingTouch {
  accountId: string;
  validatedAt?: Date;
  heartbeatAt?: Date;
  metrics?: Record<string, unknown>;
}

export interface PendingEvent {
  accountId: string;
  licenseId: string | null;
  activationId: string | null;
  kind: UsageKind;
  success: boolean;
  code: string;
  ip: string | null;
  /** From a trusted proxy's header; the compliance scan counts a key's countries. */
  country: string | null;
  at: Date;
  count: number;
}

/**
 * Usage-log rows, their hourly sums (usage_hourly, the account's time series) and their daily sums per
 * license (usage_daily, the usage analytics) in one statement.
 * Sums are added in key order, so two processes flushing at once cannot deadlock.
 */
export async function insertUsageEvents(sql: Queryable, events: PendingEvent[]): Promise<void> {
  await sql`
      with added as (
        insert into usage_events (account_id, license_id, activation_id, kind, success, code, ip, country, at, count)
        select * from unnest(${events.map((e) => e.accountId)}::uuid[], ${events.map((e) => e.licenseId) as string[]}::uuid[],
          ${events.map((e) => e.activationId) as string[]}::uuid[], ${events.map((e) => e.kind)}::text[],
          ${events.map((e) => (e.success ? 'true' : 'false'))}::text[]::boolean[], ${events.map((e) => e.code)}::text[],
          ${events.map((e) => e.ip) as string[]}::text[], ${events.map((e) => e.country) as string[]}::text[],
          ${events.map((e) => e.at.toISOString())}::timestamptz[],
          ${events.map((e) => String(e.count))}::text[]::int[])
        returning account_id, license_id, kind, code, success, count, at),
      hourly as (
        insert into usage_hourly (account_id, kind, hour, total, failed)
        select account_id, kind, date_trunc('hour', at), sum(count), sum(case when success then 0 else count end)
        from added group by 1, 2, 3 order by 1, 2, 3
        on conflict (account_id, kind, hour) do update
          set total = usage_hourly.total + excluded.total, failed = usage_hourly.failed + excluded.failed)
      insert into usage_daily (account_id, license_id, day, kind, code, success, total)
      select account_id, license_id, (at at time zone 'UTC')::date, kind, code, success, sum(count)
      from added where license_id is not null group by 1, 2, 3, 4, 5, 6 order by 2, 3, 4, 5, 6
      on conflict (license_id, day, kind, code, success) do update set total = usage_daily.total + excluded.total`;
}

/** Last-seen times and merged heartbeat metrics of many seats in one statement. */
export async function touchSeats(sql: Queryable, touches: Map<string, PendingTouch>): Promise<void> {
  const ids = [...touches.keys()];
  const list = [...touches.values()];
  await sql`
      update activations a set
        last_validated_at = greatest(a.last_validated_at, v.validated_at),
        last_heartbeat_at = greatest(a.last_heartbeat_at, v.heartbeat_at),
        -- The hour only: within it the value does not change, so the write stays a HOT update.
        seen_hour = greatest(a.seen_hour, date_trunc('hour', greatest(v.validated_at, v.heartbeat_at), 'UTC')),
        usage_metrics = case when v.metrics is null then a.usage_metrics else a.usage_metrics || v.metrics::jsonb end
      from unnest(${ids}::uuid[], ${list.map((t) => t.validatedAt?.toISOString() ?? null) as string[]}::timestamptz[],
                  ${list.map((t) => t.heartbeatAt?.toISOString() ?? null) as string[]}::timestamptz[],
                  ${list.map((t) => (t.metrics ? JSON.stringify(t.metrics) : null)) as string[]}::text[])
        as v(id, validated_at, heartbeat_at, metrics)
      where a.id = v.id`;
}
