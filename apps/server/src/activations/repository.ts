import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';

export interface ActivationRow {
  id: string;
  account_id: string;
  license_id: string;
  device_id: string;
  fingerprint_hash: string | null;
  machine_name: string | null;
  hostname: string | null;
  platform: string | null;
  os: string | null;
  os_version: string | null;
  app_version: string | null;
  cpu_cores: number | null;
  /** Seats this activation takes (license policy: 1 per device, its cores per core, 0 uncounted). */
  seats: number;
  /** Floating licenses: when the lease lapses unless a heartbeat renews it. */
  lease_expires_at: Date | null;
  /** Named-user licenses: the user this device is for. */
  user_ref: string | null;
  ip: string | null;
  country: string | null;
  user_agent: string | null;
  activation_type: 'online' | 'offline' | 'emergency';
  status: 'active' | 'deactivated' | 'expired' | 'blocked';
  activated_at: Date;
  last_heartbeat_at: Date | null;
  last_validated_at: Date | null;
  deactivated_at: Date | null;
  deactivation_reason: string | null;
  usage_metrics: Record<string, unknown>;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export const ACTIVATION_COLUMNS = `id, account_id, license_id, device_id, machine_name, hostname, platform, os, os_version,
  app_version, cpu_cores, seats, lease_expires_at, user_ref, ip, country, user_agent, activation_type, status, activated_at, last_heartbeat_at, last_validated_at,
  deactivated_at, deactivation_reason, usage_metrics, metadata, created_at, updated_at`;

export async function findActivation(
  q: Queryable,
  accountId: string,
  id: string,
  lock = false,
): Promise<ActivationRow | undefined> {
  const [row] = await q<ActivationRow[]>`
    select ${q.unsafe(ACTIVATION_COLUMNS)}, fingerprint_hash from activations
    where account_id = ${accountId} and id = ${id} ${lock ? q`for update` : q``}`;
  return row;
}

export async function findActiveSeat(
  q: Queryable,
  licenseId: string,
  deviceId: string,
): Promise<ActivationRow | undefined> {
  const [row] = await q<ActivationRow[]>`
    select ${q.unsafe(ACTIVATION_COLUMNS)}, fingerprint_hash from activations
    where license_id = ${licenseId} and device_id = ${deviceId} and status = 'active'`;
  return row;
}

export interface ActivationFilters {
  limit: number;
  offset: number;
  q?: string | undefined;
  sort?: string | undefined;
  status?: string | undefined;
  license_id?: string | undefined;
  platform?: string | undefined;
  seen_before?: string | undefined;
}

const SORTABLE: Record<string, string> = {
  created_at: 'a.created_at',
  last_heartbeat_at: 'a.last_heartbeat_at',
  activated_at: 'a.activated_at',
};

export async function listActivations(q: Queryable, accountId: string, f: ActivationFilters) {
  const term = f.q?.trim();
  return q<(ActivationRow & { license_key_last4: string; customer_id: string | null })[]>`
    select ${q.unsafe(
      ACTIVATION_COLUMNS.split(',')
        .map((c) => `a.${c.trim()}`)
        .join(', '),
    )},
      l.key_last4 as license_key_last4, l.customer_id
    from activations a join licenses l on l.id = a.license_id
    where a.account_id = ${accountId}
      ${f.status ? q`and a.status = ${f.status}` : q``}
      ${f.license_id ? q`and a.license_id = ${f.license_id}` : q``}
      ${f.platform ? q`and a.platform = ${f.platform}` : q``}
      ${f.seen_before ? q`and coalesce(a.last_heartbeat_at, a.activated_at) < ${f.seen_before}` : q``}
      ${term ? q`and (a.device_id ilike ${`%${term}%`} or a.hostname ilike ${`%${term}%`} or a.machine_name ilike ${`%${term}%`})` : q``}
    ${orderBy(q, f.sort, SORTABLE, '-created_at', 'a.id')}
    limit ${f.limit + 1} offset ${f.offset}`;
}

/** True when the device id or fingerprint digest is on the account's block list. */
export async function isDeviceBlocked(
  q: Queryable,
  accountId: string,
  deviceId: string,
  fingerprintHash: string | null,
): Promise<boolean> {
  const [row] = await q`
    select 1 from device_blocks where account_id = ${accountId}
      and (device_id = ${deviceId} ${fingerprintHash ? q`or fingerprint_hash = ${fingerprintHash}` : q``}) limit 1`;
  return Boolean(row);
}

/** seed 000 sync: the device's newest live seat on a license of `tenantId` (a customer id, or the account id for licenses without a customer). */
export async function findLiveSeatOfTenant(q: Queryable, deviceId: string, tenantId: string) {
  const [seat] = await q<{ id: string; account_id: string; license_id: string }[]>`
    select a.id, a.account_id, a.license_id from activations a join licenses l on l.id = a.license_id
    where a.device_id = ${deviceId} and a.status = 'active'
      and (l.customer_id::text = ${tenantId} or (l.customer_id is null and l.account_id::text = ${tenantId}))
    order by a.activated_at desc limit 1`;
  return seat;
}

/** One activation's seat request, as `keyward_take_seats` (migration 0010) takes it. */
export interface SeatRequest {
  account_id: string;
  license_id: string;
  /** The license version the application checked; a newer one answers 'stale'. */
  version: number;
  /** Seats this device takes under the license's policy (its cores on a per-core license; 0 uncounted). */
  seats: number;
  /** The most seats the license admits, overage included; null: unlimited. */
  ceiling: number | null;
  /** Floating licenses: the lease's end; lapsed leases of the license are released first. */
  lease_until: Date | null;
  /** The application clock's now (leases lapse by it). */
  at: Date;
  /** Named users: the user the device is for (must be assigned), and how many devices a user may have. */
  user_ref?: string | null;
  user_devices?: number | null;
  /** Where a device may hold one seat beyond this license ('product' or 'account'; null: this license only). */
  unique_scope?: 'product' | 'account' | null;
  product_id?: string | null;
  /** Digests of the device's reported hardware components; with `match_components`, how many must agree. */
  components?: Record<string, string> | null;
  match_components?: number | null;
  activation: Record<string, unknown>;
  event: Record<string, unknown>;
}

export interface SeatOutcome {
  outcome:
    | 'created'
    | 'created_over'
    | 'reused'
    | 'limit'
    | 'blocked'
    | 'fingerprint_mismatch'
    | 'stale'
    | 'gone'
    | 'user_not_assigned'
    | 'user_device_limit'
    | 'device_taken';
  activation_id: string | null;
  seats_used: number;
  max_activations: number | null;
  /** Lapsed leases of the license released before this seat was decided. */
  released: number;
}

/**
 * Takes the seats of a batch of activations in one statement: `keyward_take_seats` (migrations 0010,
 * 0011, 0017: seats per device, overage, leases) locks each license in id order, checks it still has the version the caller checked ('stale'
 * otherwise), reads its live-seat counter, decides every seat, and bulk-inserts the seats and their
 * events. Each row answers the request with the same `i`.
 */
export function takeSeats(q: Queryable, items: Array<SeatRequest & { i: number }>) {
  return q<(SeatOutcome & { i: number })[]>`select * from keyward_take_seats(${q.json(items as never)})`;
}

/** Ends a live seat: deactivated (by the app or staff) or blocked. */
export async function endSeat(
  q: Queryable,
  activationId: string,
  status: 'deactivated' | 'blocked',
  at: Date,
  reason: string,
): Promise<ActivationRow> {
  const [row] = await q<ActivationRow[]>`
    update activations set status = ${status},
      deactivated_at = ${status === 'blocked' ? q`coalesce(deactivated_at, ${at})` : q`${at}`},
      deactivation_reason = ${reason}, updated_at = now()
    where id = ${activationId} returning *`;
  return row!;
}

/** Blocks a seat's device id and fingerprint from activating again in the account. */
export async function insertDeviceBlock(
  q: Queryable,
  accountId: string,
  seat: Pick<ActivationRow, 'device_id' | 'fingerprint_hash'>,
  reason: string,
  createdBy: string,
): Promise<void> {
  await q`insert into device_blocks (account_id, device_id, fingerprint_hash, reason, created_by)
    values (${accountId}, ${seat.device_id}, ${seat.fingerprint_hash}, ${reason}, ${createdBy})`;
}

/** What the API shows of a blocked device (the fingerprint only as "has one"). */
const BLOCK_COLUMNS =
  'id, device_id, fingerprint_hash is not null as has_fingerprint, reason, created_by, created_at';

export interface DeviceBlockView {
  id: string;
  device_id: string | null;
  has_fingerprint: boolean;
  reason: string;
  created_by: string | null;
  created_at: Date;
}

export function listDeviceBlockRows(q: Queryable, accountId: string, limit: number, offset: number) {
  return q<
    DeviceBlockView[]
  >`select ${q.unsafe(BLOCK_COLUMNS)} from device_blocks where account_id = ${accountId}
    order by created_at desc, id desc limit ${limit + 1} offset ${offset}`;
}

export async function insertDeviceBlockRow(
  q: Queryable,
  accountId: string,
  b: { deviceId: string | null; fingerprintHash: string | null; reason: string; createdBy: string },
): Promise<DeviceBlockView> {
  const [created] = await q<
    DeviceBlockView[]
  >`insert into device_blocks (account_id, device_id, fingerprint_hash, reason, created_by)
    values (${accountId}, ${b.deviceId}, ${b.fingerprintHash}, ${b.reason}, ${b.createdBy})
    returning ${q.unsafe(BLOCK_COLUMNS)}`;
  return created!;
}

/** Unblocks; false when the block is not the account's. */
export async function deleteDeviceBlock(q: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await q`delete from device_blocks where account_id = ${accountId} and id = ${id} returning id`;
  return rows.length > 0;
}

/**
 * Renews live leases (one statement for a batch); returns the activation ids renewed. A seat renewed
 * twice in one batch gets the later end (an UPDATE … FROM applies one source row per target, not the
 * last). Only the lease end and updated_at change, neither of them indexed, so PostgreSQL keeps each
 * renewal a HOT update (no new index entries); last_heartbeat_at is indexed and comes from the usage
 * recorder's batched write.
 */
export async function renewLeases(
  q: Queryable,
  renewals: Array<{ activationId: string; until: Date }>,
): Promise<string[]> {
  const rows = await q<{ id: string }[]>`
    update activations a set lease_expires_at = v.until, updated_at = now()
    from (select "activationId", max(until) as until from jsonb_to_recordset(${q.json(renewals as never)})
      as r("activationId" uuid, until timestamptz) group by 1) v
    where a.id = v."activationId" and a.status = 'active'
    returning a.id`;
  return rows.map((r) => r.id);
}

/**
 * Releases every lease that lapsed before `at` (across accounts: a sweep; or one account's). Taking a seat releases its
 * license's lapsed leases under the license lock anyway; the sweep keeps seat counts true between.
 */
export async function releaseLapsedLeases(q: Queryable, at: Date, accountId: string | null = null) {
  return q<{ account_id: string; license_id: string }[]>`
    update activations set status = 'expired', deactivated_at = ${at}, deactivation_reason = 'lease_expired',
      updated_at = now()
    where status = 'active' and leased and lease_expires_at < ${at}
      and (${accountId}::uuid is null or account_id = ${accountId})
    returning account_id, license_id`;
}

/**
 * Takes a released lease back for its device (policy lease_revival_minutes): under the license lock,
 * when it was released by lapsing after `releasedSince` and the license has room for its seats.
 */
export async function reviveLease(
  q: Queryable,
  r: {
    activationId: string;
    licenseId: string;
    releasedSince: Date;
    until: Date;
    at: Date;
    ceiling: number | null;
  },
): Promise<boolean> {
  const [license] = await q<{ active_seats: number }[]>`
    select active_seats from licenses where id = ${r.licenseId} for update`;
  if (!license) return false;
  const [seat] = await q<{ seats: number }[]>`
    select seats from activations where id = ${r.activationId} and license_id = ${r.licenseId}
      and status = 'expired' and deactivation_reason = 'lease_expired' and deactivated_at >= ${r.releasedSince}`;
  if (!seat || (r.ceiling !== null && license.active_seats + seat.seats > r.ceiling)) return false;
  // Live again only if no other seat of the device took its place meanwhile (one live seat per device).
  const revived = await q`
    update activations a set status = 'active', deactivated_at = null, deactivation_reason = null,
      lease_expires_at = ${r.until}, last_heartbeat_at = ${r.at}, updated_at = now()
    where a.id = ${r.activationId} and not exists (select 1 from activations b
      where b.license_id = a.license_id and b.device_id = a.device_id and b.status = 'active')
    returning a.id`;
  return revived.length > 0;
}
