import { guardClock } from './clock.js';
import { type ClientContext, DAY_MS } from './context.js';
import { randomHex } from './crypto.js';
import { checkEmergencyCode, type EmergencyCommitments, parseEmergencyCode } from './emergency.js';
import { toBase64, utf8 } from './encoding.js';
import {
  EmergencyCodeError,
  errorForCode,
  LicenseError,
  OfflineGraceExpiredError,
  VerificationError,
} from './errors.js';
import { type VerifiedLicenseFile, verifyLicenseFile } from './license-file.js';
import { queueReport } from './reports.js';
import type { Stored } from './store.js';
import { decodeTokenClaims, type LicenseTokenClaims, verifyLicenseToken } from './token.js';
import type { LicenseState } from './types.js';

/** What a verified token or license file says about the license, for an offline answer. */
interface SignedFacts {
  licenseId: string;
  activationId: string | null;
  tier: string;
  features: string[];
  expires: string | null;
  graceDays: number;
}

const factsOfFile = (file: VerifiedLicenseFile): SignedFacts => ({
  licenseId: file.license.id,
  activationId: file.device.activation_id,
  tier: file.license.tier,
  features: file.features.map((f) => f.feature_id),
  expires: file.license.expires_at,
  graceDays: file.license.grace_period_days,
});

/**
 * The license proven without the server: from the installed license file, else the cached token
 * within the offline grace; during an emergency unlock, past their ends up to the unlock's end.
 */
export async function offlineState(ctx: ClientContext, s: Stored, now: Date): Promise<LicenseState> {
  // The server's last word was a refusal: nothing cached may overrule it.
  if (s.refusal)
    throw errorForCode(s.refusal.code, `${s.refusal.reason} (the server's answer at ${s.refusal.at})`);
  if (!s.jwks)
    throw new VerificationError(
      'KEY_UNKNOWN',
      'No public keys are stored to verify the license offline; go online once',
    );
  const emergencyUntil = s.emergencyUntil ? new Date(s.emergencyUntil) : null;
  const inEmergency = emergencyUntil !== null && emergencyUntil > now;

  if (s.licenseFile) {
    const file = await verifyStoredFile(ctx, s, inEmergency ? undefined : now);
    const offlineUntil = inEmergency ? emergencyUntil : file.expiresAt;
    return licenseStateOf(inEmergency ? 'emergency' : 'license_file', factsOfFile(file), offlineUntil, now);
  }

  const graceEnd = new Date(new Date(s.lastOnlineAt ?? 0).getTime() + ctx.offlineGraceMs);
  let claims: LicenseTokenClaims;
  try {
    // In an emergency the token may have run out: its signature still proves what was licensed.
    const at = inEmergency ? new Date((decodeTokenClaims(s.token!).iat ?? 0) * 1000) : now;
    claims = await verifyLicenseToken(s.token!, { jwks: s.jwks, now: at, ...ctx.pinned });
  } catch (err) {
    if (err instanceof VerificationError && err.code === 'TOKEN_EXPIRED')
      throw new OfflineGraceExpiredError(
        'OFFLINE_GRACE_EXPIRED',
        'The cached license token has expired while offline; connect to the internet to continue',
      );
    throw err;
  }
  if (!inEmergency && graceEnd <= now)
    throw new OfflineGraceExpiredError(
      'OFFLINE_GRACE_EXPIRED',
      `The license could not be checked online since ${s.lastOnlineAt}; the offline grace period ended at ${graceEnd.toISOString()}. Connect to the internet, or enter an emergency code from the vendor`,
      { details: { last_online_at: s.lastOnlineAt, grace_ended_at: graceEnd.toISOString() } },
    );
  const tokenEnd = new Date(claims.exp * 1000);
  const offlineUntil = inEmergency ? emergencyUntil : graceEnd < tokenEnd ? graceEnd : tokenEnd;
  return licenseStateOf(
    inEmergency ? 'emergency' : 'offline',
    {
      licenseId: claims.license_id,
      activationId: claims.activation_id,
      tier: claims.tier,
      features: claims.features,
      expires: claims.license_expires_at,
      graceDays: claims.grace_period_days,
    },
    offlineUntil,
    now,
  );
}

function licenseStateOf(
  source: LicenseState['source'],
  { licenseId, activationId, tier, features, expires, graceDays }: SignedFacts,
  offlineUntil: Date | null,
  now: Date,
): LicenseState {
  const expiresAt = expires ? new Date(expires) : null;
  if (expiresAt && expiresAt.getTime() + graceDays * DAY_MS <= now.getTime())
    throw new LicenseError(
      'LICENSE_EXPIRED',
      `The license expired on ${expires} and its grace period is over; renew it`,
    );
  return {
    valid: true,
    source,
    licenseId,
    activationId,
    tier,
    features,
    expiresAt,
    daysRemaining: expiresAt ? Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS) : null,
    inGracePeriod: expiresAt !== null && expiresAt <= now,
    offlineUntil,
    checkedAt: now,
  };
}

/** Verifies the installed license file; without `now` an expired file still proves what was licensed. */
function verifyStoredFile(
  ctx: ClientContext,
  s: Stored,
  now: Date | undefined,
): Promise<VerifiedLicenseFile> {
  return verifyLicenseFile(s.licenseFile!, {
    ...ctx.pinned,
    jwks: s.jwks!,
    licenseKey: s.licenseKey,
    fingerprint: s.deviceId,
    ...(now ? { now } : { allowExpired: true }),
  });
}

/** The activation request of an air-gapped machine, as PEM-like text for the vendor. */
export async function createActivationRequest(
  ctx: ClientContext,
  licenseKey: string,
  opts: { encrypt?: boolean },
): Promise<string> {
  const now = await guardClock(ctx);
  const request = {
    typ: 'keyward.activation-request',
    license_key: licenseKey,
    fingerprint: await ctx.deviceId(),
    device_info: { ...ctx.opts.deviceInfo, device_id: await ctx.deviceId() },
    nonce: randomHex(16),
    created_at: now.toISOString(),
    encrypt: opts.encrypt ?? false,
  };
  const body = toBase64(utf8(JSON.stringify(request))).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN KEYWARD ACTIVATION REQUEST-----\n${body}-----END KEYWARD ACTIVATION REQUEST-----\n`;
}

/** Verifies a license file for this device and stores it in place of any earlier license. */
export async function installLicenseFile(
  ctx: ClientContext,
  text: string,
  licenseKey: string,
): Promise<LicenseState> {
  const now = await guardClock(ctx);
  const existing = await ctx.store.load();
  const jwks = ctx.opts.jwks ?? existing?.jwks;
  if (!jwks)
    throw new VerificationError(
      'KEY_UNKNOWN',
      'Pass the server public keys (jwks option) to install a license file offline',
    );
  const deviceId = await ctx.deviceId();
  const file = await verifyLicenseFile(text, { jwks, now, licenseKey, fingerprint: deviceId, ...ctx.pinned });
  const stored: Stored = {
    licenseKey,
    deviceId,
    licenseFile: text,
    jwks,
    // Kept across reinstalls, so a used emergency code stays used.
    usedEmergencySlots: existing?.usedEmergencySlots ?? [],
    pendingReports: [],
  };
  await ctx.store.save(stored);
  return ctx.remember(licenseStateOf('license_file', factsOfFile(file), file.expiresAt, now));
}

/** Checks an emergency code against the commitments signed into the token or file, and unlocks. */
export async function unlockWithEmergencyCode(ctx: ClientContext, text: string): Promise<LicenseState> {
  const s = await ctx.loadActivated();
  const now = await guardClock(ctx);
  const code = parseEmergencyCode(text);
  if (s.usedEmergencySlots.includes(code.slot))
    throw new EmergencyCodeError(
      'EMERGENCY_CODE_USED',
      'This emergency code has already been used on this device; ask for a new one',
    );
  let commitments: EmergencyCommitments = { emc: [], emt: [], issuedAt: now };
  if (s.licenseFile) {
    const file = await verifyStoredFile(ctx, s, undefined);
    commitments = { emc: file.emc, emt: file.emt ?? [], issuedAt: file.issuedAt };
  } else if (s.token && s.jwks) {
    const issuedAt = new Date((decodeTokenClaims(s.token).iat ?? 0) * 1000);
    const claims = await verifyLicenseToken(s.token, { jwks: s.jwks, now: issuedAt, ...ctx.pinned });
    commitments = { emc: claims.emc ?? [], emt: claims.emt ?? [], issuedAt };
  }
  await checkEmergencyCode(code, commitments, s.deviceId, now);
  const until = Math.min(code.expiresAt.getTime(), now.getTime() + DAY_MS);
  s.usedEmergencySlots.push(code.slot);
  s.emergencyUntil = new Date(until).toISOString();
  await ctx.store.save(s);
  await queueReport(ctx, { kind: 'emergency_code_used', emergency_slot: code.slot });
  return ctx.remember(await offlineState(ctx, s, now));
}
