import { effectivePolicy, type PolicyOverrides } from '../../policies/policy.js';
import { EVIDENCE_LIST_MAX, type Finding, iso } from './finding.js';

/** Client calls of a license made after its expiry and grace, summed (the repository reads them). */
export interface ExpiredUseRow {
  license_id: string;
  customer_id: string | null;
  license_type: string;
  license_model: string;
  policy: PolicyOverrides | null;
  expires_at: Date;
  grace_period_days: number;
  calls: number;
  accepted: number;
  first_at: Date;
  last_at: Date;
  ips: string[] | null;
}

/**
 * Use after expiry: an app kept calling after the license's expiry and grace ended. Only where expiry
 * stops the license (restrict_access, revoke_access): under allow_access expiry is informational and
 * under maintain_access older builds keep working by design. Calls the server accepted (high) mean the
 * app ran with its blessing; refused ones (medium) mean it is still being run, on a cached token or a
 * patched build. One violation per term: a renewal moves the expiry, and a later lapse is new evidence.
 */
export function detectExpiredUse(rows: readonly ExpiredUseRow[]): Finding[] {
  return rows.flatMap((r): Finding[] => {
    const policy = effectivePolicy(r.license_type, r.license_model, r.policy);
    if (policy.expiration_strategy === 'allow_access' || policy.expiration_strategy === 'maintain_access')
      return [];
    const graceEnded = new Date(r.expires_at.getTime() + r.grace_period_days * 86_400_000);
    return [
      {
        type: 'expired_use',
        severity: r.accepted > 0 ? 'high' : 'medium',
        dedupeKey: `expired_use:${r.license_id}:${iso(r.expires_at)}`,
        licenseId: r.license_id,
        customerId: r.customer_id,
        activationId: null,
        deviceId: null,
        summary: `${r.calls} client calls after the license's grace ended on ${iso(graceEnded).slice(0, 10)} (${r.accepted} accepted)`,
        evidence: {
          expired_at: iso(r.expires_at),
          grace_period_days: r.grace_period_days,
          grace_ended_at: iso(graceEnded),
          calls: r.calls,
          accepted: r.accepted,
          refused: r.calls - r.accepted,
          first_at: iso(r.first_at),
          last_at: iso(r.last_at),
          ips: (r.ips ?? []).slice(0, EVIDENCE_LIST_MAX),
        },
      },
    ];
  });
}
