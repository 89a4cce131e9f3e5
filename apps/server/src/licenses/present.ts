import type { Keyring } from '../crypto/master-key.js';
import { decryptAtRest } from '../crypto/master-key.js';
import { licenseTiming } from './evaluate.js';
import { maskKey } from './keys.js';
import type { LicenseWithPlan } from './repository.js';

/** The API shape of a license. The full key is included only for roles allowed to see it. */
export function presentLicense(
  row: LicenseWithPlan & { customer_email?: string | null; customer_company?: string | null },
  keyring: Keyring,
  now: Date,
  showKey: boolean,
) {
  const timing = licenseTiming(row, now);
  return {
    id: row.id,
    account_id: row.account_id,
    key: showKey ? decryptAtRest(keyring, row.key_enc) : null,
    key_masked: maskKey(row.key_last4),
    key_last4: row.key_last4,
    product_id: row.product_id,
    plan_id: row.plan_id,
    plan_code: row.plan_code,
    plan_name: row.plan_name,
    tier_rank: row.plan_rank,
    customer_id: row.customer_id,
    customer_email: row.customer_email ?? null,
    customer_company: row.customer_company ?? null,
    subscription_id: row.subscription_id,
    order_id: row.order_id,
    license_type: row.license_type,
    license_model: row.license_model,
    status: row.status,
    effective_status: timing.status,
    status_reason: row.status_reason,
    max_activations: row.max_activations,
    features: row.features,
    limits: row.limits,
    restrictions: row.restrictions,
    policy: row.policy,
    effective_policy: row.effective_policy,
    starts_at: row.starts_at,
    expires_at: row.expires_at,
    term_days: row.term_days,
    maintenance_expires_at: row.maintenance_expires_at,
    grace_period_days: row.grace_period_days,
    grace_ends_at: timing.grace_ends_at,
    is_in_grace_period: timing.in_grace_period,
    days_remaining: timing.days_remaining,
    trial_ends_at: row.trial_ends_at,
    auto_renew: row.auto_renew,
    offline_file_ttl_days: row.offline_file_ttl_days,
    metadata: row.metadata,
    revoked_at: row.revoked_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
