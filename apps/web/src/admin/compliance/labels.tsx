import type { components } from '../../api/schema';
import { Badge, type BadgeTone } from '../../ui';

export type Violation = components['schemas']['ComplianceViolation'];
export type ViolationType = Violation['type'];
export type Severity = Violation['severity'];
export type ViolationStatus = Violation['status'];
export type Audit = components['schemas']['ComplianceAudit'];
export type CustomerComplianceRow = components['schemas']['CustomerComplianceRow'];
export type CustomerStatus = CustomerComplianceRow['status'];

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export const TYPE_LABEL: Record<ViolationType, string> = {
  over_deployment: 'Over-deployment',
  seat_overage: 'Seat overage',
  expired_use: 'Use after expiry',
  key_sharing: 'Key sharing',
  clock_tamper: 'Clock tampering',
  integrity_failure: 'Integrity failure',
  suspicious_activity: 'Suspicious activity',
};

export const STATUS_LABEL: Record<ViolationStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  false_positive: 'False positive',
};

export const CUSTOMER_STATUS_LABEL: Record<CustomerStatus, string> = {
  compliant: 'Compliant',
  at_risk: 'At risk',
  non_compliant: 'Non-compliant',
};

const SEVERITY_TONE: Record<Severity, BadgeTone> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warning',
  low: 'info',
};

const STATUS_TONE: Record<ViolationStatus, BadgeTone> = {
  open: 'danger',
  acknowledged: 'warning',
  resolved: 'success',
  false_positive: 'neutral',
};

const CUSTOMER_TONE: Record<CustomerStatus, BadgeTone> = {
  compliant: 'success',
  at_risk: 'warning',
  non_compliant: 'danger',
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge tone={SEVERITY_TONE[severity]}>{capital(severity)}</Badge>;
}

export function ViolationStatusBadge({ status }: { status: ViolationStatus }) {
  return <Badge tone={STATUS_TONE[status]}>{STATUS_LABEL[status]}</Badge>;
}

export function CustomerStatusBadge({ status }: { status: CustomerStatus }) {
  return <Badge tone={CUSTOMER_TONE[status]}>{CUSTOMER_STATUS_LABEL[status]}</Badge>;
}
