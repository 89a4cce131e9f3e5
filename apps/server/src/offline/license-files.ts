import { activateDevice, type CallerFacts, type SeatDeps } from '../activations/service.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { type Actor, recordEvent } from '../events/record.js';
import type { SigningKeys } from '../signing/signing-keys.js';
import {
  parseActivationRequest,
  type RawActivationRequest,
  REQUEST_MAX_AGE_MS,
} from './activation-request.js';
import { emergencyCommitments } from './emergency-code.js';
import { encryptLicense, FILE_VERSION, type FilePayload, formatLicenseFile } from './license-file.js';
import { claimRequestNonce, deleteExpiredNonces, releaseRequestNonce } from './repository.js';

const DAY_MS = 86_400_000;

/** The process parts offline activation uses: a seat like online activation, and the signing key. */
export interface OfflineDeps extends SeatDeps {
  signing: SigningKeys;
}

export interface OfflineActivationInput {
  request: RawActivationRequest;
  /** Overrides the request's own `encrypt` flag. */
  encrypt?: boolean | undefined;
}

/**
 * Turns an air-gapped app's activation request into a signed license file: takes (or re-uses) the
 * device's seat exactly like online activation, then signs the license, its features and the device
 * binding. The file lives `offline_file_ttl_days` (plan default 30), never past the license's own end.
 * `staff` scopes a staff submission to its account; the client API passes none (the key decides).
 */
export async function activateOffline(
  deps: OfflineDeps,
  input: OfflineActivationInput,
  caller: CallerFacts,
  staff?: { accountId: string; actor: Actor },
) {
  const { ctx } = deps;
  const req = parseActivationRequest(input.request, ctx.clock.now());
  // The process's license cache, which activateDevice reads next: one lookup, not a query and a lookup.
  const known = await deps.licenses.byKey(req.license_key);
  if (staff && known?.account_id !== staff.accountId) throw notFound('License');
  // A request makes one file: its nonce is claimed first, and freed again if no file comes of it.
  const nonce = known && { licenseId: known.id, nonce: req.nonce };
  if (
    nonce &&
    !(await claimRequestNonce(ctx.db.sql, {
      ...nonce,
      accountId: known.account_id,
      expiresAt: new Date(Date.parse(req.created_at) + REQUEST_MAX_AGE_MS + DAY_MS),
    }))
  )
    throw new AppError(
      'OFFLINE_REQUEST_INVALID',
      'This activation request was already used to make a license file; write a new one on the machine',
      { field: 'nonce' },
    );
  let activated: Awaited<ReturnType<typeof activateDevice>>;
  try {
    activated = await activateDevice(
      deps,
      {
        license_key: req.license_key,
        device_fingerprint: req.fingerprint,
        device_info: req.device_info,
        metadata: { offline_nonce: req.nonce, offline_request_created_at: req.created_at },
        activation_type: 'offline',
      },
      caller,
    );
  } catch (err) {
    if (nonce) await releaseRequestNonce(ctx.db.sql, nonce.licenseId, nonce.nonce).catch(() => {});
    throw err;
  }
  const { license, activation } = activated;

  const now = ctx.clock.now();
  let expires = now.getTime() + license.offline_file_ttl_days * DAY_MS;
  if (license.expires_at)
    expires = Math.min(expires, license.expires_at.getTime() + license.grace_period_days * DAY_MS);
  const content = {
    license: {
      id: license.id,
      account_id: license.account_id,
      key_last4: license.key_last4,
      product_id: license.product_id,
      customer_id: license.customer_id,
      tier: license.plan_code,
      tier_name: license.plan_name,
      tier_rank: license.plan_rank,
      license_type: license.license_type,
      status: license.status,
      starts_at: license.starts_at.toISOString(),
      expires_at: license.expires_at?.toISOString() ?? null,
      grace_period_days: license.grace_period_days,
      max_activations: license.max_activations,
    },
    features: license.features.filter((f) => f.enabled),
    limits: license.limits,
    device: { activation_id: activation.id, device_id: activation.device_id, fingerprint: req.fingerprint },
    ...emergencyCommitments(ctx.keyring, activation.id, activation.device_id, now),
  };
  const encrypt = input.encrypt ?? req.encrypt;
  const signer = await deps.signing.signer(license.account_id);
  const payload: FilePayload = {
    v: FILE_VERSION,
    typ: 'keyward.license-file',
    alg: signer.alg,
    kid: signer.kid,
    iss: ctx.config.publicUrl,
    issued_at: now.toISOString(),
    expires_at: new Date(expires).toISOString(),
    encryption: encrypt ? 'aes-256-gcm' : 'none',
    license_id: license.id,
    activation_id: activation.id,
    ...(encrypt ? encryptLicense(req.license_key, content) : { license: content }),
  };
  const payloadBytes = Buffer.from(JSON.stringify(payload));
  const file = formatLicenseFile(payloadBytes, signer.sign(payloadBytes), payload);
  await recordEvent(ctx.db.sql, {
    accountId: license.account_id,
    type: 'license_file.issued',
    actor: staff?.actor ?? { type: 'license', id: license.id },
    subject: { type: 'activation', id: activation.id },
    ip: caller.ip,
    requestId: caller.requestId,
    data: { license_id: license.id, kid: signer.kid, expires_at: payload.expires_at, encrypted: encrypt },
  });
  return {
    license_file: file,
    license_id: license.id,
    activation_id: activation.id,
    device_id: activation.device_id,
    kid: signer.kid,
    alg: signer.alg,
    issued_at: payload.issued_at,
    expires_at: payload.expires_at,
    encrypted: encrypt,
  };
}

/** Drops the nonces of requests too old to be accepted (run periodically by the composition root). */
export function sweepRequestNonces(ctx: AppContext): Promise<number> {
  return deleteExpiredNonces(ctx.db.sql, ctx.clock.now());
}
