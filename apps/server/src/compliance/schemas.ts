import { type Static, Type } from 'typebox';
import { listQuery } from '../http/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );

/** What a detector finds (docs/compliance.md#detectors). */
export const VIOLATION_TYPES = [
  'over_deployment',
  'seat_overage',
  'expired_use',
  'key_sharing',
  'clock_tamper',
  'integrity_failure',
  'suspicious_activity',
] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VIOLATION_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];

export const CUSTOMER_STATUSES = ['compliant', 'at_risk', 'non_compliant'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export const AUDIT_SCOPES = ['account', 'customer', 'license'] as const;
export type AuditScope = (typeof AUDIT_SCOPES)[number];

const Type_ = oneOf(VIOLATION_TYPES, 'What was detected (docs/compliance.md#detectors)');
const Severity_ = oneOf(SEVERITIES);
const Status_ = oneOf(
  VIOLATION_STATUSES,
  'open → acknowledged (seen, being handled) → resolved or false_positive; either of the last two may be reopened',
);

export const ViolationSchema = Type.Object(
  {
    id: Uuid,
    account_id: Uuid,
    type: Type_,
    severity: Severity_,
    status: Status_,
    license_id: Nullable(Uuid),
    customer_id: Nullable(
      Type.String({ format: 'uuid', description: "The license's customer when detected" }),
    ),
    activation_id: Nullable(Uuid),
    device_id: Nullable(Type.String()),
    dedupe_key: Type.String({
      description:
        'The identity of the evidence (type, license, window, term or device): the same evidence never raises a second violation, even once this one is resolved',
    }),
    summary: Type.String({ description: 'One line saying what was found' }),
    evidence: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'What the detector saw (counts, places, times, event ids); its shape per type in docs/compliance.md',
    }),
    detected_at: DateTime,
    status_changed_at: Nullable(DateTime),
    status_changed_by: Nullable(
      Type.String({ description: 'The user or API key that last changed the status' }),
    ),
    status_note: Nullable(Type.String()),
    acknowledged_at: Nullable(DateTime),
    resolved_at: Nullable(
      Type.String({ format: 'date-time', description: 'Resolved or marked a false positive' }),
    ),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'ComplianceViolation' },
);

const Finding = Type.Object({
  violation_id: Uuid,
  type: Type_,
  severity: Severity_,
  status: Status_,
  license_id: Nullable(Uuid),
  customer_id: Nullable(Uuid),
  summary: Type.String(),
  raised: Type.Boolean({ description: 'Raised by this audit (false: found again, already known)' }),
});

export const AuditSchema = Type.Object(
  {
    id: Uuid,
    account_id: Uuid,
    scope: oneOf(AUDIT_SCOPES),
    customer_id: Nullable(Uuid),
    license_id: Nullable(Uuid),
    trigger: oneOf(['scheduled', 'on_demand'] as const, 'scheduled: the daily scan; on_demand: staff'),
    requested_by_type: Type.String({ description: 'user, api_key or system (the daily scan)' }),
    requested_by_id: Nullable(Type.String()),
    notes: Type.String(),
    findings: Type.Array(Finding, {
      description: 'What the run found, raised now or already known (at most 1000; the summary counts all)',
    }),
    summary: Type.Object({
      findings: Type.Integer(),
      raised: Type.Integer({ description: 'New violations this run raised' }),
      by_type: Type.Record(Type.String(), Type.Integer()),
      by_severity: Type.Record(Type.String(), Type.Integer()),
    }),
    recommendations: Type.Array(Type.String()),
    score: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: "The scope's compliance score after the run (docs/compliance.md#score)",
    }),
    started_at: DateTime,
    completed_at: DateTime,
    created_at: DateTime,
  },
  { $id: 'ComplianceAudit' },
);

const BySeverity = Type.Object(
  { low: Type.Integer(), medium: Type.Integer(), high: Type.Integer(), critical: Type.Integer() },
  { description: 'Open and acknowledged violations by severity' },
);

export const LicenseComplianceSchema = Type.Object(
  {
    license_id: Uuid,
    customer_id: Nullable(Uuid),
    key_last4: Type.String(),
    status: Type.String({ description: "The license's own status (active, suspended …)" }),
    score: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: '100 − weighted open violations, at least 0',
    }),
    open_by_severity: BySeverity,
    open_violations: Type.Integer(),
  },
  { $id: 'LicenseCompliance' },
);

export const CustomerComplianceSchema = Type.Object(
  {
    customer_id: Uuid,
    email: Type.String(),
    name: Type.String(),
    score: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: '100 − weighted open violations, at least 0',
    }),
    status: oneOf(CUSTOMER_STATUSES, 'docs/compliance.md#status'),
    open_by_severity: BySeverity,
    open_violations: Type.Integer(),
    closed_violations: Type.Integer({ description: 'Resolved or marked false positive' }),
    licenses: Type.Array(Type.Ref('LicenseCompliance')),
    last_audit: Nullable(
      Type.Object({ id: Uuid, created_at: DateTime, score: Type.Integer(), trigger: Type.String() }),
    ),
  },
  { $id: 'CustomerCompliance' },
);

export const CustomerStatusRowSchema = Type.Object(
  {
    customer_id: Uuid,
    email: Type.String(),
    name: Type.String(),
    score: Type.Integer(),
    status: oneOf(CUSTOMER_STATUSES),
    open_by_severity: BySeverity,
    open_violations: Type.Integer(),
  },
  { $id: 'CustomerComplianceRow' },
);

export const OverviewSchema = Type.Object(
  {
    open_by_severity: BySeverity,
    open_by_type: Type.Record(Type.String(), Type.Integer()),
    customers: Type.Object(
      {
        compliant: Type.Integer(),
        at_risk: Type.Integer(),
        non_compliant: Type.Integer(),
      },
      { description: 'Customers by compliance status (customers without a violation are compliant)' },
    ),
    last_scan: Nullable(
      Type.Object(
        { id: Uuid, created_at: DateTime, raised: Type.Integer() },
        { description: "The daily scan's last audit of this account" },
      ),
    ),
  },
  { $id: 'ComplianceOverview' },
);

export const ListViolationsQuery = listQuery(['detected_at', 'severity', 'type', 'status'], {
  status: Type.Optional(Status_),
  severity: Type.Optional(Severity_),
  type: Type.Optional(Type_),
  license_id: Type.Optional(Uuid),
  customer_id: Type.Optional(Uuid),
});
export type ListViolationsFilters = Static<typeof ListViolationsQuery>;

export const ListAuditsQuery = listQuery(['created_at', 'score'], {
  scope: Type.Optional(oneOf(AUDIT_SCOPES)),
  trigger: Type.Optional(oneOf(['scheduled', 'on_demand'] as const)),
  license_id: Type.Optional(Uuid),
  customer_id: Type.Optional(Uuid),
});
export type ListAuditsFilters = Static<typeof ListAuditsQuery>;

export const ListCustomerStatusQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    status: Type.Optional(oneOf(CUSTOMER_STATUSES)),
  },
  { additionalProperties: false },
);
export type ListCustomerStatusFilters = Static<typeof ListCustomerStatusQuery>;

export const UpdateViolationBody = Type.Object(
  {
    status: Status_,
    note: Type.Optional(
      Type.String({ maxLength: 2000, description: 'Why: kept on the violation and in its event' }),
    ),
  },
  { additionalProperties: false },
);
export type UpdateViolationInput = Static<typeof UpdateViolationBody>;

export const CreateAuditBody = Type.Object(
  {
    scope: oneOf(AUDIT_SCOPES, 'account: every license; customer: their licenses; license: one'),
    customer_id: Type.Optional(Type.String({ format: 'uuid', description: 'Required with scope customer' })),
    license_id: Type.Optional(Type.String({ format: 'uuid', description: 'Required with scope license' })),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type CreateAuditInput = Static<typeof CreateAuditBody>;

export const ActionReasonBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'Kept with the change and its event' })),
  },
  { additionalProperties: false },
);

export const NotifyCustomerBody = Type.Object(
  {
    message: Type.Optional(
      Type.String({
        maxLength: 2000,
        description:
          'A paragraph of your own for the email (the default says what was found and asks them to get in touch)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ActionResultSchema = Type.Object(
  {
    violation: Type.Ref('ComplianceViolation'),
    action: oneOf(['suspend_license', 'block_device', 'notify_customer'] as const),
    license_id: Nullable(Uuid),
    activation_id: Nullable(Uuid),
    device_block_id: Nullable(Uuid),
    email_id: Nullable(Uuid),
  },
  { $id: 'ComplianceActionResult' },
);

export interface ViolationRow {
  id: string;
  account_id: string;
  type: ViolationType;
  severity: Severity;
  status: ViolationStatus;
  license_id: string | null;
  customer_id: string | null;
  activation_id: string | null;
  device_id: string | null;
  dedupe_key: string;
  summary: string;
  evidence: Record<string, unknown>;
  detected_at: Date;
  status_changed_at: Date | null;
  status_changed_by: string | null;
  status_note: string | null;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface AuditRow {
  id: string;
  account_id: string;
  scope: AuditScope;
  customer_id: string | null;
  license_id: string | null;
  trigger: 'scheduled' | 'on_demand';
  requested_by_type: string;
  requested_by_id: string | null;
  notes: string;
  findings: unknown[];
  summary: Record<string, unknown>;
  recommendations: string[];
  score: number;
  started_at: Date;
  completed_at: Date;
  created_at: Date;
}
