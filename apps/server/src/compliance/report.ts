import { csvCell } from '../core/csv.js';
import type { ViolationRow } from './schemas.js';

const row = (cells: unknown[]) => cells.map(csvCell).join(',');

const VIOLATION_COLUMNS = [
  'violation_id',
  'detected_at',
  'type',
  'severity',
  'status',
  'license_id',
  'license_key_last4',
  'device_id',
  'summary',
  'status_changed_at',
  'status_changed_by',
  'status_note',
  'evidence',
] as const;

export interface CustomerReport {
  customer: { id: string; email: string; name: string };
  score: number;
  status: string;
  generatedAt: Date;
  violations: (ViolationRow & { key_last4: string | null })[];
}

/**
 * The compliance report of a customer as CSV: a header block (the customer, their score and status, when)
 * and, after an empty line, one row per violation, newest first (docs/compliance.md#report); cells as
 * every export writes them (core/csv.ts).
 */
export function customerReportCsv(r: CustomerReport): string {
  const lines = [
    row([
      'customer_id',
      'customer_email',
      'customer_name',
      'compliance_score',
      'compliance_status',
      'generated_at',
    ]),
    row([r.customer.id, r.customer.email, r.customer.name, r.score, r.status, r.generatedAt]),
    '',
    row([...VIOLATION_COLUMNS]),
    ...r.violations.map((v) =>
      row([
        v.id,
        v.detected_at,
        v.type,
        v.severity,
        v.status,
        v.license_id,
        v.key_last4,
        v.device_id,
        v.summary,
        v.status_changed_at,
        v.status_changed_by,
        v.status_note,
        v.evidence,
      ]),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
