import type { Severity, ViolationType } from '../schemas.js';
import { EVIDENCE_LIST_MAX, type Finding, iso } from './finding.js';

/**
 * What apps reported (`POST /licensing/report`, recorded as `security.suspicious_activity` events),
 * summed per license, device, kind and UTC day by the repository.
 */
export interface ReportRow {
  license_id: string;
  customer_id: string | null;
  activation_id: string | null;
  device_id: string;
  kind: string;
  day: string;
  reports: number;
  first_at: Date;
  last_at: Date;
  event_ids: string[];
  details: Record<string, unknown> | null;
}

/** Each report kind of the SDK as a violation: the type and how bad it is. */
const BY_KIND: Record<string, { type: ViolationType; severity: Severity; what: string }> = {
  clock_tamper: { type: 'clock_tamper', severity: 'medium', what: 'the clock was set back' },
  signature_failure: {
    type: 'integrity_failure',
    severity: 'high',
    what: 'a token or license file failed its signature check',
  },
  integrity_failure: {
    type: 'integrity_failure',
    severity: 'high',
    what: 'the app failed its integrity check',
  },
  debugger_detected: { type: 'suspicious_activity', severity: 'medium', what: 'a debugger was attached' },
  other: { type: 'suspicious_activity', severity: 'low', what: 'something suspicious' },
};

/**
 * SDK reports: clock tampering, integrity (signature, tampered build) failures, other suspicious
 * activity. An app may report the same thing every minute: one violation per license, device, kind and
 * day, whatever the number of reports.
 */
export function detectReported(rows: readonly ReportRow[]): Finding[] {
  return rows.flatMap((r): Finding[] => {
    const kind = BY_KIND[r.kind];
    if (!kind) return [];
    return [
      {
        type: kind.type,
        severity: kind.severity,
        dedupeKey: `${kind.type}:${r.license_id}:${r.device_id}:${r.kind}:${r.day}`,
        licenseId: r.license_id,
        customerId: r.customer_id,
        activationId: r.activation_id,
        deviceId: r.device_id,
        summary: `Device ${r.device_id} reported that ${kind.what} (${r.reports} report${r.reports === 1 ? '' : 's'} on ${r.day})`,
        evidence: {
          kind: r.kind,
          day: r.day,
          reports: r.reports,
          first_at: iso(r.first_at),
          last_at: iso(r.last_at),
          event_ids: r.event_ids.slice(0, EVIDENCE_LIST_MAX),
          details: r.details ?? {},
        },
      },
    ];
  });
}
