import { effectivePolicy, type PolicyOverrides, seatCeiling } from '../../policies/policy.js';
import type { Finding } from './finding.js';

/** A license whose live seats are above its seat limit (the repository reads only those). */
export interface SeatRow {
  license_id: string;
  customer_id: string | null;
  license_type: string;
  license_model: string;
  policy: PolicyOverrides | null;
  max_activations: number;
  active_seats: number;
}

/**
 * Seats above the limit. Above the ceiling the policy admits at all (the limit × its overage) is
 * over-deployment: it happens after a downgrade or a lowered limit, since seats already taken are kept.
 * Above the limit but within the overage the policy allows is a seat overage, low severity: allowed, and
 * worth a true-up. Either is raised once per limit: a new limit is new evidence.
 */
export function detectSeatViolations(rows: readonly SeatRow[]): Finding[] {
  return rows.flatMap((r): Finding[] => {
    const policy = effectivePolicy(r.license_type, r.license_model, r.policy);
    const ceiling = seatCeiling(policy, r.max_activations);
    if (ceiling === null || r.active_seats <= r.max_activations) return [];
    const evidence = {
      seats_in_use: r.active_seats,
      seat_limit: r.max_activations,
      overage: policy.overage,
      seat_ceiling: ceiling,
      seat_unit: policy.seat_unit,
      over_limit_by: r.active_seats - r.max_activations,
    };
    const base = {
      licenseId: r.license_id,
      customerId: r.customer_id,
      activationId: null,
      deviceId: null,
      evidence,
    };
    if (r.active_seats > ceiling)
      return [
        {
          ...base,
          type: 'over_deployment',
          // Twice what the policy admits is not a miscount.
          severity: r.active_seats >= 2 * Math.max(1, ceiling) ? 'critical' : 'high',
          dedupeKey: `over_deployment:${r.license_id}:limit=${r.max_activations}`,
          summary: `${r.active_seats} seats in use, above the ${ceiling} the license admits (limit ${r.max_activations}, overage ${policy.overage})`,
        },
      ];
    return [
      {
        ...base,
        type: 'seat_overage',
        severity: 'low',
        dedupeKey: `seat_overage:${r.license_id}:limit=${r.max_activations}`,
        summary: `${r.active_seats} seats in use, ${r.active_seats - r.max_activations} past the limit of ${r.max_activations} within the policy's ${policy.overage} overage`,
      },
    ];
  });
}
