import type { Queryable } from '../db/database.js';

/** The device's seat on the license a report is about: its live one, else its latest. */
export async function findReportedSeat(q: Queryable, licenseId: string, deviceId: string) {
  const [seat] = await q<{ id: string }[]>`
    select id from activations where license_id = ${licenseId} and device_id = ${deviceId}
    order by (status = 'active') desc, created_at desc limit 1`;
  return seat?.id ?? null;
}

/** The app says it used emergency code `slot` offline; false when that slot was never issued or is already redeemed. */
export async function markCodeRedeemed(
  q: Queryable,
  activationId: string,
  slot: number,
  at: Date,
): Promise<boolean> {
  const rows = await q`update emergency_codes set redeemed_at = ${at}
    where activation_id = ${activationId} and slot = ${slot} and redeemed_at is null returning id`;
  return rows.length > 0;
}

/** How many emergency codes the seat has been issued (each slot once). */
export async function countIssuedCodes(q: Queryable, activationId: string): Promise<number> {
  const [row] = await q<
    { used: number }[]
  >`select count(*)::int as used from emergency_codes where activation_id = ${activationId}`;
  return row!.used;
}

export async function insertEmergencyCode(
  q: Queryable,
  c: {
    accountId: string;
    licenseId: string;
    activationId: string;
    slot: number;
    reason: string | null;
    issuedBy: string;
    expiresAt: Date;
  },
) {
  const [created] = await q<{ id: string; slot: number; expires_at: Date; created_at: Date }[]>`
    insert into emergency_codes (account_id, license_id, activation_id, slot, reason, issued_by, expires_at)
    values (${c.accountId}, ${c.licenseId}, ${c.activationId}, ${c.slot}, ${c.reason}, ${c.issuedBy}, ${c.expiresAt})
    returning id, slot, expires_at, created_at`;
  return created!;
}

/** Codes issued for a license's devices, newest first (never the codes themselves). */
export function listIssuedCodes(q: Queryable, accountId: string, licenseId: string) {
  return q<
    {
      id: string;
      activation_id: string;
      slot: number;
      reason: string | null;
      expires_at: Date;
      redeemed_at: Date | null;
      created_at: Date;
    }[]
  >`select id, activation_id, slot, reason, expires_at, redeemed_at, created_at from emergency_codes
    where account_id = ${accountId} and license_id = ${licenseId} order by created_at desc limit 200`;
}

/** Claims an activation request's nonce for the license; false when it was used before. */
export async function claimRequestNonce(
  q: Queryable,
  n: { accountId: string; licenseId: string; nonce: string; expiresAt: Date },
): Promise<boolean> {
  const rows = await q`
    insert into offline_request_nonces (license_id, nonce, account_id, expires_at)
    values (${n.licenseId}, ${n.nonce}, ${n.accountId}, ${n.expiresAt})
    on conflict do nothing returning nonce`;
  return rows.length > 0;
}

/** Frees a claimed nonce: no file was made from the request, so it may be submitted again. */
export async function releaseRequestNonce(q: Queryable, licenseId: string, nonce: string): Promise<void> {
  await q`delete from offline_request_nonces where license_id = ${licenseId} and nonce = ${nonce}`;
}

/** Drops nonces whose requests are too old to be accepted anyway; returns how many. */
export async function deleteExpiredNonces(q: Queryable, now: Date): Promise<number> {
  return (await q`delete from offline_request_nonces where expires_at <= ${now}`).count;
}
