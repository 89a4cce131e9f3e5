import type { ActivationRow } from '../activations/repository.js';
import type { Keyring } from '../crypto/master-key.js';
import type { LicenseWithPlan } from '../licenses/repository.js';
import { emergencyCommitments } from '../offline/emergency-code.js';
import type { SigningKeys } from '../signing/signing-keys.js';

/**
 * Lifetime of a license's activation tokens: the longest an app may keep working offline on one. The
 * policy's `token_ttl_days`, shortened to `check_in_days` when the device must check in sooner.
 */
export function tokenTtlSeconds(license: Pick<LicenseWithPlan, 'effective_policy'>): number {
  const { token_ttl_days, check_in_days } = license.effective_policy;
  return Math.min(token_ttl_days, check_in_days ?? token_ttl_days) * 86_400;
}

/** Signs the token an app keeps for a seat (product.md §2.1 claims). */
export function issueActivationToken(
  deps: { keyring: Keyring; signing: SigningKeys; now: Date },
  license: LicenseWithPlan,
  activation: Pick<ActivationRow, 'id' | 'device_id'>,
) {
  return deps.signing.signToken(
    license.account_id,
    {
      license_id: license.id,
      activation_id: activation.id,
      account_id: license.account_id,
      subscription_id: license.subscription_id,
      tenant_id: license.customer_id ?? license.account_id,
      customer_id: license.customer_id,
      tier: license.plan_code,
      tier_rank: license.plan_rank,
      features: license.enabled_features,
      device_id: activation.device_id,
      license_expires_at: license.expires_at?.toISOString() ?? null,
      grace_period_days: license.grace_period_days,
      // Commitments to the seat's emergency codes and their months, so the app can check one offline.
      ...emergencyCommitments(deps.keyring, activation.id, activation.device_id, deps.now),
    },
    { subject: activation.id, ttlSeconds: tokenTtlSeconds(license), productId: license.product_id },
  );
}
