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
  app_version, cpu_cores, ip, country, user_agent, activation_type, status, activated_at, last_heartbeat_at, last_validated_at,
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
