// Bulk seeder for B6/B7: customers, subscriptions, licenses, activations and usage history inserted
// with `insert … select … from generate_series` straight into the bench's database, in batches.
// Rows satisfy every constraint and index of the real schema. Bulk licenses get unique generated
// digests and one real (decryptable) placeholder key; the licenses the bench drives come from the API.
import { SingleBar } from 'cli-progress';
import type postgres from 'postgres';

/** Seats seeded per license; the spec's scale point is 1M licenses with 3M activations. */
export const ACTIVATIONS_PER_LICENSE = 3;
/** Usage-log rows per seeded seat (spread over 120 days), so the 90-day series has history to scan. */
export const USAGE_PER_ACTIVATION = 1;
const CUSTOMER_EVERY = 5;
const LICENSE_BATCH = 10_000;
const CUSTOMER_BATCH = 50_000;

export interface SeedTarget {
  accountId: string;
  /** Bulk license numbers [from, to); a second call continues at the first one's `to`. */
  from: number;
  to: number;
  /** A real `encryptAtRest` value: bulk licenses decrypt to a placeholder key. */
  keyEnc: string;
  /** Batches in flight at once (the pool passed in needs as many connections). */
  connections?: number;
}

export interface SeedReport {
  licenses: number;
  activations: number;
  usage: number;
  customers: number;
  subscriptions: number;
  rows: number;
  ms: number;
  rowsPerSecond: number;
}

/** A deterministic pseudo-random number in [0, 1) from an integer expression and a salt. */
const frac = (expr: string, salt: number) =>
  `((hashint8((${expr})::bigint * 31 + ${salt}) & 2147483647)::float8 / 2147483648.0)`;

/** Ten plan slots weighted towards cheap plans (40/30/20/10 % over four plans ordered by rank). */
function planSlots(planIds: string[]): string[] {
  const weights = [4, 3, 2, 1];
  const slots: string[] = [];
  planIds.forEach((id, i) => {
    for (let w = 0; w < (weights[i] ?? 1); w++) slots.push(id);
  });
  return slots;
}

const customersSql = (acct: string) => `
  insert into customers (id, account_id, email, company_name, first_name, last_name, status, created_at, updated_at)
  select md5('bench-cus-' || c)::uuid, '${acct}', 'bulk-' || c || '@seed.example', 'Seed Co ' || c, 'Seed', 'Customer ' || c,
    case when c % 50 = 0 then 'suspended' else 'active' end,
    now() - ${frac('c', 1)} * interval '730 days', now()
  from generate_series($1::int, $2::int - 1) c`;

const subscriptionsSql = (acct: string) => `
  insert into subscriptions (id, account_id, customer_id, plan_id, status, billing_cycle, price_cents, quantity,
    current_period_start, current_period_end, created_at, updated_at)
  select md5('bench-sub-' || c)::uuid, '${acct}', md5('bench-cus-' || c)::uuid, p.id,
    case when s.r < 0.85 then 'active' when s.r < 0.9 then 'past_due' when s.r < 0.97 then 'canceled' else 'trialing' end,
    case when c % 3 = 0 then 'annual' else 'monthly' end,
    case when c % 3 = 0 then p.price_yearly_cents else p.price_monthly_cents end,
    1 + c % 3, now() - interval '10 days', now() + interval '20 days', now() - ${frac('c', 1)} * interval '730 days', now()
  from generate_series($1::int, $2::int - 1) c
  cross join lateral (select ${frac('c', 2)} as r, ($3::uuid[])[1 + (hashint8(c::bigint) & 2147483647) % 10] as plan_id) s
  join plans p on p.id = s.plan_id`;

/**
 * One statement per batch: licenses, then their seats, then the seats' usage history and its hourly
 * sums, chained with data-modifying CTEs so nothing travels back to the client.
 */
const licensesSql = (acct: string) => `
  with src as (
    select i, p.id as plan_id, p.product_id, p.license_type, p.license_model, p.max_activations, p.features, p.limits,
      p.restrictions, p.grace_period_days, p.auto_renew, p.offline_file_ttl_days,
      sha256(convert_to('keyward-bench-' || i, 'UTF8')) as h,
      case when p.duration_days is null then null
        else now() + (${frac('i', 3)} * 425 - 60) * interval '1 day' end as expires_at,
      ${frac('i', 4)} as r
    from generate_series($1::int, $2::int - 1) i
    join plans p on p.id = ($3::uuid[])[1 + (hashint8(i::bigint) & 2147483647) % 10]
  ), src2 as (
    select *, case when expires_at < now() - grace_period_days * interval '1 day' then 'expired'
      when r < 0.04 then 'suspended' when r < 0.06 then 'revoked' else 'active' end as status
    from src
  ), lic as (
    insert into licenses (account_id, key_digest, key_enc, key_last4, product_id, plan_id, customer_id, subscription_id,
      license_type, license_model, status, status_reason, revoked_at, max_activations, features, limits, restrictions,
      starts_at, expires_at, grace_period_days, auto_renew, offline_file_ttl_days, created_at, updated_at)
    select '${acct}', translate(encode(h, 'base64'), '+/=', '-_'), $4,
      substr($5, 1 + (get_byte(h, 0) & 31), 1) || substr($5, 1 + (get_byte(h, 1) & 31), 1)
        || substr($5, 1 + (get_byte(h, 2) & 31), 1) || substr($5, 1 + (get_byte(h, 3) & 31), 1),
      product_id, plan_id, md5('bench-cus-' || (i / ${CUSTOMER_EVERY}))::uuid, md5('bench-sub-' || (i / ${CUSTOMER_EVERY}))::uuid,
      license_type, license_model, status,
      case status when 'suspended' then 'payment overdue' when 'revoked' then 'refunded' end,
      case when status = 'revoked' then now() - r * interval '30 days' end,
      max_activations, features, limits, restrictions,
      coalesce(expires_at - interval '365 days', now() - r * interval '730 days'), expires_at,
      grace_period_days, auto_renew, offline_file_ttl_days,
      coalesce(expires_at - interval '365 days', now() - r * interval '730 days'), now()
    from src2
    returning id, account_id, status, max_activations, created_at
  ), act as (
    insert into activations (account_id, license_id, device_id, fingerprint_hash, hostname, platform, os, app_version,
      cpu_cores, ip, status, activated_at, last_heartbeat_at, last_validated_at, deactivated_at, deactivation_reason,
      created_at, updated_at)
    select account_id, id, 'dev-' || md5(id::text || k), md5(id::text || k || 'fp'),
      'host-' || k, (array['linux','windows','macos'])[1 + k], (array['Ubuntu','Windows','macOS'])[1 + k], '1.' || k || '.0',
      2 + 2 * k, '10.0.' || k || '.1', seat_status, activated_at,
      case when seat_status = 'active' then now() - hb * interval '30 days' else activated_at end,
      case when seat_status = 'active' then now() - hb * interval '30 days' else activated_at end,
      case when seat_status = 'active' then null else activated_at + interval '1 day' end,
      case when seat_status = 'active' then null else 'deactivated_by_device' end,
      activated_at, now()
    from (
      select l.*, k, created_at + (now() - created_at) * ((hashtext(l.id::text || k) & 65535) / 65536.0) as activated_at,
        (hashtext(l.id::text || k || 'hb') & 65535) / 65536.0 as hb,
        case when l.status in ('revoked', 'expired') or k >= coalesce(l.max_activations, ${ACTIVATIONS_PER_LICENSE}) then 'deactivated'
          else 'active' end as seat_status
      from lic l cross join generate_series(0, ${ACTIVATIONS_PER_LICENSE - 1}) k
    ) s
    returning id, account_id, license_id, activated_at
  ), usage as (
  insert into usage_events (account_id, license_id, activation_id, kind, success, code, ip, count, at)
  select account_id, license_id, id,
    case when r < 0.7 then 'validation' when r < 0.9 then 'heartbeat' when r < 0.95 then 'activation' when r < 0.98 then 'sync' else 'usage' end,
    r2 >= 0.03, case when r2 >= 0.03 then 'VALID' else 'LICENSE_EXPIRED' end, '10.0.0.1', 1 + (r2 * 24)::int,
    greatest(activated_at, now() - r2 * interval '120 days')
  from (
    select a.*, u, (hashtext(a.id::text || u) & 65535) / 65536.0 as r, (hashtext(a.id::text || u || 'x') & 65535) / 65536.0 as r2
    from act a cross join generate_series(1, ${USAGE_PER_ACTIVATION}) u
  ) e
  returning account_id, kind, success, count, at
  )
  -- The hourly sums the time series read, added as validation/recorder.ts does.
  insert into usage_hourly (account_id, kind, hour, total, failed)
  select account_id, kind, date_trunc('hour', at), sum(count), sum(case when success then 0 else count end)
  from usage group by 1, 2, 3 order by 1, 2, 3
  on conflict (account_id, kind, hour) do update
    set total = usage_hourly.total + excluded.total, failed = usage_hourly.failed + excluded.failed`;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Inserts licenses numbered [from, to) with their seats, usage history, customers and subscriptions. */
export async function seedScale(sql: postgres.Sql, t: SeedTarget): Promise<SeedReport> {
  const t0 = Date.now();
  const plans = await sql<{ id: string }[]>`
    select id from plans where account_id = ${t.accountId} and archived_at is null order by rank, code`;
  if (plans.length === 0) throw new Error('the bench account has no plans to seed licenses on');
  const slots = planSlots(plans.map((p) => p.id));
  const n = Math.max(0, t.to - t.from);
  const c0 = Math.ceil(t.from / CUSTOMER_EVERY);
  const c1 = Math.ceil(t.to / CUSTOMER_EVERY);
  const customers = Math.max(0, c1 - c0);
  const perLicense = 1 + ACTIVATIONS_PER_LICENSE * (1 + USAGE_PER_ACTIVATION);
  const total = 2 * customers + n * perLicense;
  const bar = new SingleBar({
    format: '  seeding [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | {eta}s left',
    stream: process.stderr,
    hideCursor: true,
    // Piped to a file or CI log: a line every 5 s instead of redrawing.
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  bar.start(total, 0, { rate: 0 });
  let done = 0;
  const tick = (rows: number) => {
    done += rows;
    bar.update(done, { rate: Math.round((done * 1000) / (Date.now() - t0 + 1)) });
  };
  try {
    for (let c = c0; c < c1; c += CUSTOMER_BATCH) {
      const end = Math.min(c1, c + CUSTOMER_BATCH);
      await sql.unsafe(customersSql(t.accountId), [c, end]);
      await sql.unsafe(subscriptionsSql(t.accountId), [c, end, slots]);
      tick(2 * (end - c));
    }
    // Workers (one per connection) take batches in turn; on PostgreSQL each runs on its own backend.
    let next = t.from;
    const worker = async () => {
      while (next < t.to) {
        const i = next;
        const end = Math.min(t.to, i + LICENSE_BATCH);
        next = end;
        await sql.unsafe(licensesSql(t.accountId), [i, end, slots, t.keyEnc, ALPHABET]);
        tick((end - i) * perLicense);
      }
    };
    await Promise.all(Array.from({ length: t.connections ?? 1 }, worker));
  } finally {
    bar.stop();
  }
  const ms = Date.now() - t0;
  const activations = n * ACTIVATIONS_PER_LICENSE;
  return {
    licenses: n,
    activations,
    usage: activations * USAGE_PER_ACTIVATION,
    customers,
    subscriptions: customers,
    rows: total,
    ms,
    rowsPerSecond: Math.round((total * 1000) / Math.max(1, ms)),
  };
}

const SEEDED_TABLES = ['customers', 'subscriptions', 'licenses', 'activations', 'usage_events'];

/**
 * Runs a large load with the seeded tables' secondary indexes and foreign keys set aside, then puts
 * back the exact definitions (what pg_restore does): one sorted build and one validating pass per
 * index/key is far cheaper than maintaining them row by row, and the rebuild checks every row again.
 */
export async function withDeferredIndexes<T>(sql: postgres.Sql, fn: () => Promise<T>): Promise<T> {
  const indexes = await sql<{ name: string; def: string }[]>`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i join pg_class t on t.oid = i.indrelid
    where t.relname in ${sql(SEEDED_TABLES)} and t.relnamespace = current_schema()::regnamespace
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`;
  const fks = await sql<{ tbl: string; name: string; def: string }[]>`
    select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
    from pg_constraint where contype = 'f' and conrelid::regclass::text in ${sql(SEEDED_TABLES)}`;
  for (const fk of fks) await sql.unsafe(`alter table ${fk.tbl} drop constraint ${fk.name}`);
  for (const ix of indexes) await sql.unsafe(`drop index ${ix.name}`);
  let result: T;
  try {
    result = await fn();
  } finally {
    // Built whether the load failed or not, so the schema is whole again: indexes two at a time
    // (with room to sort in memory), then the keys, each validated against every row.
    const queue = indexes.map((ix) => ix.def);
    const worker = async () => {
      for (let def = queue.shift(); def; def = queue.shift())
        await sql.begin(async (tx) => {
          await tx`set local maintenance_work_mem = '256MB'`;
          await tx.unsafe(def);
        });
    };
    await Promise.all([worker(), worker()]);
    for (const fk of fks) await sql.unsafe(`alter table ${fk.tbl} add constraint ${fk.name} ${fk.def}`);
  }
  return result;
}

/** Planner statistics and the visibility map, as autovacuum would leave them on a settled database. */
export async function settle(sql: postgres.Sql): Promise<number> {
  const t0 = Date.now();
  for (const table of SEEDED_TABLES) await sql.unsafe(`vacuum analyze ${table}`);
  return Date.now() - t0;
}
