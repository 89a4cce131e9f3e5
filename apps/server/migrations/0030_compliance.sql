-- Issue M (3): compliance. Detectors (apps/server/src/compliance/detectors/) read licenses, seats, the
-- usage log and the audit log; what they find is a violation, raised once per piece of evidence; audits
-- snapshot what a run found. docs/compliance.md.

-- The country a client call came from (a trusted proxy's header), so key sharing can count countries.
alter table usage_events add column country text;

create table compliance_violations (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  type text not null check (type in ('over_deployment', 'seat_overage', 'expired_use', 'key_sharing',
    'clock_tamper', 'integrity_failure', 'suspicious_activity')),
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved', 'false_positive')),
  -- What the evidence is about. Licenses are never deleted (but with their account); the customer and the
  -- seat are kept as they were when detected, with no reference, so archiving old seats leaves them be.
  license_id uuid references licenses(id) on delete cascade,
  customer_id uuid,
  activation_id uuid,
  device_id text,
  -- The evidence's identity (type, license, window or term or device): taken for good, so a resolved or
  -- dismissed violation is not raised again for the same evidence; new evidence has a new key.
  dedupe_key text not null,
  summary text not null,
  evidence jsonb not null default '{}'::jsonb,
  detected_at timestamptz not null,
  -- The last status change: who (a user or API key id), when, and the note given with it.
  status_changed_at timestamptz,
  status_changed_by text,
  status_note text,
  acknowledged_at timestamptz,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, dedupe_key)
);
create index compliance_violations_account_detected on compliance_violations (account_id, detected_at desc, id desc);
create index compliance_violations_account_status on compliance_violations (account_id, status, severity);
create index compliance_violations_license on compliance_violations (account_id, license_id, status);
create index compliance_violations_customer on compliance_violations (account_id, customer_id, status);

create table compliance_audits (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id) on delete cascade,
  scope text not null check (scope in ('account', 'customer', 'license')),
  -- Kept with the audit as it was run (its history outlives a deleted customer).
  customer_id uuid,
  license_id uuid references licenses(id) on delete cascade,
  trigger text not null check (trigger in ('scheduled', 'on_demand')),
  requested_by_type text not null,
  requested_by_id text,
  notes text not null default '',
  -- Every finding of the run (raised now or already known), with the violation it is.
  findings jsonb not null default '[]'::jsonb,
  summary jsonb not null default '{}'::jsonb,
  recommendations jsonb not null default '[]'::jsonb,
  score int not null check (score between 0 and 100),
  started_at timestamptz not null,
  completed_at timestamptz not null,
  created_at timestamptz not null default now(),
  check (scope <> 'customer' or customer_id is not null),
  check ((scope = 'license') = (license_id is not null))
);
create index compliance_audits_account_created on compliance_audits (account_id, created_at desc, id desc);
create index compliance_audits_customer on compliance_audits (account_id, customer_id, created_at desc);
create index compliance_audits_license on compliance_audits (account_id, license_id, created_at desc);
