import { findActivation } from '../activations/repository.js';
import { deactivateActivation } from '../activations/service.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { licenseAlerts } from '../entitlements/status-rules.js';
import { decideLicense } from '../licenses/decision.js';
import { licenseTiming } from '../licenses/evaluate.js';
import { normalizeLicenseKey } from '../licenses/keys.js';
import { findLicenseByDigest } from '../licenses/repository.js';
import { listActiveDevices } from './repository.js';
import type { DeactivateDeviceInput } from './schemas.js';

/** The key is the customer's only credential: an unknown key says nothing more than that. */
async function licenseForKey(ctx: AppContext, key: string) {
  const license = await findLicenseByDigest(ctx.db.sql, digestSecret(ctx.keyring, normalizeLicenseKey(key)));
  if (!license) throw new AppError('LICENSE_NOT_FOUND', 'No license matches this key; check it for typos');
  return license;
}

/** The license behind a key as its holder sees it: status, expiry, features, limits, devices, alerts. */
export async function lookUpLicense(ctx: AppContext, key: string) {
  const license = await licenseForKey(ctx, key);
  const now = ctx.clock.now();
  const timing = licenseTiming(license, now);
  const devices = await listActiveDevices(ctx.db.sql, license.account_id, license.id);
  const daysUntilExpiry = timing.days_remaining;
  return {
    license: {
      key_last4: license.key_last4,
      tier: license.plan_code,
      tier_name: license.plan_name,
      status: timing.status,
      status_reason: license.status_reason,
      starts_at: license.starts_at,
      expires_at: license.expires_at,
      days_until_expiry: daysUntilExpiry,
      is_in_grace_period: timing.in_grace_period,
      features: license.features,
      limits: license.limits,
      max_activations: license.max_activations,
    },
    devices,
    alerts: licenseAlerts(daysUntilExpiry, [], decideLicense({ license, now }).valid),
  };
}

/** Frees one device of the license; the key proves the caller holds the license. */
export async function freeDevice(
  ctx: AppContext,
  input: DeactivateDeviceInput,
  meta: { ip: string; requestId: string },
) {
  const license = await licenseForKey(ctx, input.license_key);
  const seat = await findActivation(ctx.db.sql, license.account_id, input.activation_id);
  if (seat?.license_id !== license.id)
    throw new AppError('ACTIVATION_NOT_FOUND', 'This device does not belong to this license');
  const row = await deactivateActivation(ctx, license.account_id, input.activation_id, {
    actor: { type: 'customer', id: license.customer_id ?? license.id },
    reason: 'deactivated_in_portal',
    ip: meta.ip,
    requestId: meta.requestId,
  });
  return { success: true, activation_id: row.id, status: row.status };
}
