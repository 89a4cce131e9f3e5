import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { ExpiredUseRow } from './detectors/expired-use.js';
import type { Finding, Scope } from './detectors/finding.js';
import type { SharingRow } from './detectors/key-sharing.js';
import type { ReportRow } from './detectors/reports.js';
import type { SeatRow } from './detectors/seats.js';
import type {
  AuditRow,
  ListAuditsFilters,
  ListViolationsFilters,
  Severity,
  ViolationRow,
  ViolationStatus,
} from './schemas.js';

/** Client calls that show a key in use (not a deactivation). */
const USE_KINDS = ['activation', 'validation', 'heartbeat', 'sync', 'usage'];
/** Violations that still count: not resolved, not dismissed. */
const LIVE = ['open', 'acknowledged'];

/** The usage rows (alias `u`) of the scope's slice of licenses, so a slice reads only its own. */
function usageInSlice(q: Queryable, s: Scope) {
  const [from, to] = s.idRange ?? [null, null];
  return q`${from ? q`and u.license_id >= ${from}::uuid` : q``} ${to ? q`and u.license_id < ${to}::uuid` : q``}`;
}

/** The scope's licenses (alias `l`): a customer's, or one; a slice of them by id. */
function inScope(q: Queryable, s: Scope) {
  const [from, to] = s.idRange ?? [null, null];
  return q`${s.licenseId ? q`and l.id = ${s.licenseId}` : q``}
    ${s.customerId ? q`and l.customer_id = ${s.customerId}` : q``}
    ${from ? q`and l.id >= ${from}::uuid` : q``} ${to ? q`and l.id < ${to}::uuid` : q``}`;
}

// --- what the detectors read -------------------------------------------------------------------

/** Licenses with more live seats than their limit (the detector applies the policy's overage). */
export function seatsOverLimit(q: Queryable, s: Scope) {
  return q<SeatRow[]>`
    select l.id as license_id, l.customer_id, l.license_type, l.license_model, l.policy, l.max_activations,
      l.active_seats
    from licenses l
    where l.account_id = ${s.accountId} and l.max_activations is not null
      and l.active_seats > l.max_activations ${inScope(q, s)}`;
}

/** Client calls since `since` of licenses whose expiry and grace had ended when the call was made. */
export function callsAfterExpiry(q: Queryable, s: Scope, since: Date, now: Date) {
  return q<ExpiredUseRow[]>`
    select l.id as license_id, l.customer_id, l.license_type, l.license_model, l.policy, l.expires_at,
      l.grace_period_days, sum(u.count)::int as calls,
      coalesce(sum(u.count) filter (where u.success), 0)::int as accepted,
      min(u.at) as first_at, max(u.at) as last_at,
      array_agg(distinct u.ip) filter (where u.ip is not null) as ips
    from licenses l
    join usage_events u on u.license_id = l.id and u.account_id = l.account_id
    where l.account_id = ${s.accountId} and l.expires_at is not null
      and l.expires_at + make_interval(days => l.grace_period_days) < ${now}
      and u.at >= ${since} and u.at <= ${now}
      and u.at > l.expires_at + make_interval(days => l.grace_period_days)
      and u.kind = any(${USE_KINDS}::text[]) ${inScope(q, s)} ${usageInSlice(q, s)}
    group by l.id`;
}

/**
 * Per license and window of its policy (aligned to the epoch), the distinct countries and IP addresses
 * its client calls came from since `since`; only windows over an allowance. A policy without the field
 * has the default (SHARING_DEFAULTS); a field set to null is not checked.
 */
export function placesOverAllowance(
  q: Queryable,
  s: Scope,
  since: Date,
  now: Date,
  defaults: { countries: number | null; ips: number | null; windowHours: number },
) {
  return q<SharingRow[]>`
    select l.id as license_id, l.customer_id, w.window_hours, w.max_countries, w.max_ips,
      date_bin(make_interval(hours => w.window_hours), u.at, timestamptz '1970-01-01 00:00:00+00') as window_start,
      count(distinct u.country)::int as country_count, count(distinct u.ip)::int as ip_count,
      array_agg(distinct u.country) filter (where u.country is not null) as countries,
      array_agg(distinct u.ip) filter (where u.ip is not null) as ips,
      sum(u.count)::int as calls, min(u.at) as first_at, max(u.at) as last_at
    from licenses l
    cross join lateral (select
      case when l.policy ? 'sharing_max_countries' then (l.policy->>'sharing_max_countries')::int
        else ${defaults.countries}::int end as max_countries,
      case when l.policy ? 'sharing_max_ips' then (l.policy->>'sharing_max_ips')::int
        else ${defaults.ips}::int end as max_ips,
      coalesce((l.policy->>'sharing_window_hours')::int, ${defaults.windowHours}::int) as window_hours) w
    join usage_events u on u.license_id = l.id and u.account_id = l.account_id
    where l.account_id = ${s.accountId} and u.at >= ${since} and u.at <= ${now}
      and u.kind = any(${USE_KINDS}::text[])
      and (w.max_countries is not null or w.max_ips is not null) ${inScope(q, s)} ${usageInSlice(q, s)}
    group by l.id, l.customer_id, w.window_hours, w.max_countries, w.max_ips, window_start
    having count(distinct u.country) > w.max_countries or count(distinct u.ip) > w.max_ips`;
}

/** The apps' suspicious-activity reports since `since`, per license, device, kind and UTC day. */
export function reportsSince(q: Queryable, s: Scope, since: Date) {
  return q<ReportRow[]>`
    select l.id as license_id, l.customer_id,
      (array_agg(e.data->>'activation_id' order by e.id desc)
        filter (where e.data->>'activation_id' ~ '^[0-9a-fA-F-]{36}$'))[1]::uuid
        as activation_id,
      e.data->>'device_id' as device_id, e.data->>'kind' as kind,
      to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as reports,
      min(e.created_at) as first_at, max(e.created_at) as last_at,
      (array_agg(e.id::text order by e.id))[1:50] as event_ids,
      (array_agg(e.data->'details' order by e.id))[1] as details
    from events e
    join licenses l on l.account_id = e.account_id and l.id = case
      when e.data->>'license_id' ~ '^[0-9a-fA-F-]{36}$' then (e.data->>'license_id')::uuid end
    where e.account_id = ${s.accountId} and e.type = 'security.suspicious_activity'
      and e.created_at >= ${since} and e.data->>'device_id' is not null ${inScope(q, s)}
    group by l.id, l.customer_id, e.data->>'device_id', e.data->>'kind',
      to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD')`;
}

// --- violations ----------------------------------------------------------------------------------

/**
 * Inserts the findings whose evidence was never raised (the dedupe key is unique per account and stays
 * taken whatever the violation's status). A live (open or acknowledged) violation found again takes the
 * fuller evidence (more reports, more places in its window) unless its start was cut off by the
 * look-back; a closed one keeps what it was closed on. Returns the rows inserted or updated.
 */
export function insertViolations(q: Queryable, accountId: string, findings: Finding[], detectedAt: Date) {
  const rows = findings.map((f) => ({
    type: f.type,
    severity: f.severity,
    license_id: f.licenseId,
    customer_id: f.customerId,
    activation_id: f.activationId,
    device_id: f.deviceId,
    dedupe_key: f.dedupeKey,
    summary: f.summary,
    evidence: f.evidence,
  }));
  return q<(ViolationRow & { inserted: boolean })[]>`
    insert into compliance_violations as v (account_id, type, severity, license_id, customer_id, activation_id,
      device_id, dedupe_key, summary, evidence, detected_at)
    select ${accountId}, f.type, f.severity, f.license_id, f.customer_id, f.activation_id, f.device_id,
      f.dedupe_key, f.summary, f.evidence, ${detectedAt}
    from jsonb_to_recordset(${q.json(rows as never)}) as f(type text, severity text, license_id uuid,
      customer_id uuid, activation_id uuid, device_id text, dedupe_key text, summary text, evidence jsonb)
    on conflict (account_id, dedupe_key) do update
      set evidence = excluded.evidence, summary = excluded.summary, severity = excluded.severity,
        updated_at = now()
      where v.status in ('open', 'acknowledged') and v.evidence <> excluded.evidence
        and (v.evidence->>'first_at') is not distinct from (excluded.evidence->>'first_at')
    returning v.*, (v.xmax = 0) as inserted`;
}

/** The violations raised for these pieces of evidence (now or before). */
export function violationsByKeys(q: Queryable, accountId: string, keys: string[]) {
  return q<ViolationRow[]>`
    select * from compliance_violations where account_id = ${accountId} and dedupe_key = any(${keys}::text[])`;
}

const SORTABLE: Record<string, string> = {
  detected_at: 'detected_at',
  severity: "array_position(array['low','medium','high','critical']::text[], severity)",
  type: 'type',
  status: 'status',
};

export function listViolations(q: Queryable, accountId: string, f: ListViolationsFilters) {
  return q<ViolationRow[]>`
    select * from compliance_violations where account_id = ${accountId}
      ${f.status ? q`and status = ${f.status}` : q``}
      ${f.severity ? q`and severity = ${f.severity}` : q``}
      ${f.type ? q`and type = ${f.type}` : q``}
      ${f.license_id ? q`and license_id = ${f.license_id}` : q``}
      ${f.customer_id ? q`and customer_id = ${f.customer_id}` : q``}
      ${f.q ? q`and (summary ilike ${`%${f.q.replace(/[\\%_]/g, '\\$&')}%`} or device_id = ${f.q})` : q``}
    ${orderBy(q, f.sort, SORTABLE, '-detected_at', 'id')}
    limit ${f.limit + 1} offset ${f.offset}`;
}

/** `lock`: held until the transaction ends, so one status change at a time. */
export async function findViolation(q: Queryable, accountId: string, id: string, lock = false) {
  const [row] = await q<ViolationRow[]>`
    select * from compliance_violations where account_id = ${accountId} and id = ${id}
    ${lock ? q`for update` : q``}`;
  return row;
}

export async function setViolationStatus(
  q: Queryable,
  accountId: string,
  id: string,
  change: { status: ViolationStatus; at: Date; by: string; note: string | null },
) {
  const { status, at } = change;
  const [row] = await q<ViolationRow[]>`
    update compliance_violations set status = ${status}, status_changed_at = ${at},
      status_changed_by = ${change.by}, status_note = ${change.note},
      acknowledged_at = case when ${status} = 'acknowledged' then ${at}::timestamptz
        when ${status} = 'open' then null else acknowledged_at end,
      resolved_at = case when ${status} in ('resolved', 'false_positive') then ${at}::timestamptz
        when ${status} = 'open' then null else resolved_at end,
      updated_at = now()
    where account_id = ${accountId} and id = ${id} returning *`;
  return row!;
}

/** Open and acknowledged violations by severity: of a license, a customer, or the whole account. */
export function liveBySeverity(
  q: Queryable,
  accountId: string,
  of: { licenseId?: string; customerId?: string } = {},
) {
  return q<{ severity: Severity; n: number }[]>`
    select severity, count(*)::int as n from compliance_violations
    where account_id = ${accountId} and status = any(${LIVE}::text[])
      ${of.licenseId ? q`and license_id = ${of.licenseId}` : q``}
      ${of.customerId ? q`and customer_id = ${of.customerId}` : q``}
    group by severity`;
}

export function liveByType(q: Queryable, accountId: string) {
  return q<{ type: string; n: number }[]>`
    select type, count(*)::int as n from compliance_violations
    where account_id = ${accountId} and status = any(${LIVE}::text[]) group by type`;
}

/** Open and acknowledged violations per customer and severity (customers with none are not listed). */
export function liveByCustomer(q: Queryable, accountId: string) {
  return q<{ customer_id: string; severity: Severity; n: number }[]>`
    select customer_id, severity, count(*)::int as n from compliance_violations
    where account_id = ${accountId} and status = any(${LIVE}::text[]) and customer_id is not null
    group by customer_id, severity`;
}

export async function closedCount(q: Queryable, accountId: string, customerId: string) {
  const [row] = await q<{ n: number }[]>`
    select count(*)::int as n from compliance_violations
    where account_id = ${accountId} and customer_id = ${customerId} and status <> all(${LIVE}::text[])`;
  return row!.n;
}

/** A customer's violations, newest first, with their license's last four key characters (the report). */
export function violationsOfCustomer(q: Queryable, accountId: string, customerId: string) {
  return q<(ViolationRow & { key_last4: string | null })[]>`
    select v.*, l.key_last4 from compliance_violations v left join licenses l on l.id = v.license_id
    where v.account_id = ${accountId} and v.customer_id = ${customerId}
    order by v.detected_at desc, v.id desc`;
}

/**
 * A page of the customers with open violations, the worst first: the weight of their open violations
 * (`weights`, the score's) then their id.
 */
export function customersWithLiveViolations(
  q: Queryable,
  accountId: string,
  weights: Readonly<Record<Severity, number>>,
  limit: number,
  offset: number,
) {
  return q<
    {
      customer_id: string;
      email: string;
      first_name: string | null;
      last_name: string | null;
      company_name: string | null;
      low: number;
      medium: number;
      high: number;
      critical: number;
    }[]
  >`
    with live as (
      select customer_id,
        count(*) filter (where severity = 'low')::int as low,
        count(*) filter (where severity = 'medium')::int as medium,
        count(*) filter (where severity = 'high')::int as high,
        count(*) filter (where severity = 'critical')::int as critical
      from compliance_violations
      where account_id = ${accountId} and status = any(${LIVE}::text[]) and customer_id is not null
      group by customer_id)
    select c.id as customer_id, c.email, c.first_name, c.last_name, c.company_name,
      live.low, live.medium, live.high, live.critical
    from live join customers c on c.id = live.customer_id and c.account_id = ${accountId}
    order by live.low * ${weights.low} + live.medium * ${weights.medium} + live.high * ${weights.high}
      + live.critical * ${weights.critical} desc, c.id
    limit ${limit + 1} offset ${offset}`;
}

// --- audits --------------------------------------------------------------------------------------

export async function insertAudit(q: Queryable, a: Omit<AuditRow, 'id' | 'created_at'>) {
  const [row] = await q<AuditRow[]>`
    insert into compliance_audits (account_id, scope, customer_id, license_id, trigger, requested_by_type,
      requested_by_id, notes, findings, summary, recommendations, score, started_at, completed_at)
    values (${a.account_id}, ${a.scope}, ${a.customer_id}, ${a.license_id}, ${a.trigger}, ${a.requested_by_type},
      ${a.requested_by_id}, ${a.notes}, ${q.json(a.findings as never)}, ${q.json(a.summary as never)},
      ${q.json(a.recommendations as never)}, ${a.score}, ${a.started_at}, ${a.completed_at})
    returning *`;
  return row!;
}

const AUDIT_SORTABLE: Record<string, string> = { created_at: 'created_at', score: 'score' };

export function listAudits(q: Queryable, accountId: string, f: ListAuditsFilters) {
  return q<AuditRow[]>`
    select * from compliance_audits where account_id = ${accountId}
      ${f.scope ? q`and scope = ${f.scope}` : q``}
      ${f.trigger ? q`and trigger = ${f.trigger}` : q``}
      ${f.license_id ? q`and license_id = ${f.license_id}` : q``}
      ${f.customer_id ? q`and customer_id = ${f.customer_id}` : q``}
      ${f.q ? q`and notes ilike ${`%${f.q.replace(/[\\%_]/g, '\\$&')}%`}` : q``}
    ${orderBy(q, f.sort, AUDIT_SORTABLE, '-created_at', 'id')}
    limit ${f.limit + 1} offset ${f.offset}`;
}

export async function findAudit(q: Queryable, accountId: string, id: string) {
  const [row] = await q<AuditRow[]>`
    select * from compliance_audits where account_id = ${accountId} and id = ${id}`;
  return row;
}

/** The latest audit of a customer (any scope naming them), or the account's latest scheduled one. */
export async function latestAudit(
  q: Queryable,
  accountId: string,
  of: { customerId: string } | { scheduled: true },
) {
  const [row] = await q<AuditRow[]>`
    select * from compliance_audits where account_id = ${accountId}
      ${'customerId' in of ? q`and customer_id = ${of.customerId}` : q`and trigger = 'scheduled'`}
    order by created_at desc, id desc limit 1`;
  return row;
}

// --- what the scores and actions read ------------------------------------------------------------

export async function findCustomer(q: Queryable, accountId: string, id: string) {
  const [row] = await q<
    {
      id: string;
      email: string;
      first_name: string | null;
      last_name: string | null;
      company_name: string | null;
    }[]
  >`select id, email, first_name, last_name, company_name from customers
    where account_id = ${accountId} and id = ${id}`;
  return row;
}

export function licensesOfCustomer(q: Queryable, accountId: string, customerId: string) {
  return q<{ id: string; customer_id: string | null; key_last4: string; status: string }[]>`
    select id, customer_id, key_last4, status from licenses
    where account_id = ${accountId} and customer_id = ${customerId} order by created_at, id`;
}

export async function findLicenseFacts(q: Queryable, accountId: string, id: string) {
  const [row] = await q<{ id: string; customer_id: string | null; key_last4: string; status: string }[]>`
    select id, customer_id, key_last4, status from licenses where account_id = ${accountId} and id = ${id}`;
  return row;
}

/** Open and acknowledged violations of these licenses by license and severity. */
export function liveByLicense(q: Queryable, accountId: string, licenseIds: string[]) {
  return q<{ license_id: string; severity: Severity; n: number }[]>`
    select license_id, severity, count(*)::int as n from compliance_violations
    where account_id = ${accountId} and license_id = any(${licenseIds}::uuid[])
      and status = any(${LIVE}::text[])
    group by license_id, severity`;
}

export async function customerCount(q: Queryable, accountId: string) {
  const [row] = await q<{ n: number }[]>`
    select count(*)::int as n from customers where account_id = ${accountId}`;
  return row!.n;
}

/** The live seat a violation's device holds on its license, if any (to block it with its seat). */
export async function liveSeatOfDevice(q: Queryable, accountId: string, licenseId: string, deviceId: string) {
  const [row] = await q<{ id: string }[]>`
    select id from activations where account_id = ${accountId} and license_id = ${licenseId}
      and device_id = ${deviceId} and status = 'active'`;
  return row?.id;
}

/** Every account, for the daily scan. */
export function accountIds(q: Queryable) {
  return q<{ id: string }[]>`select id from accounts order by created_at, id`;
}
