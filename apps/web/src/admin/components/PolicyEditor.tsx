import { useQuery } from '@tanstack/react-query';
import { requestJson } from '../../api/client';
import type { Plan } from '../../api/resources';
import { Button, Input, Select } from '../../ui';

/** A license policy (every field), as the server's defaults and the plan's overrides hold it. */
export type Policy = NonNullable<Plan['policy']> & Record<string, unknown>;
type Defaults = Record<string, Record<string, Policy>>;

export const policyDefaultsQuery = {
  queryKey: ['/api/v1/plans/policy-defaults'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    requestJson<Defaults>('/api/v1/plans/policy-defaults', { signal }),
  staleTime: Number.POSITIVE_INFINITY,
};

/** Each field in plain language (docs/license-types.md says more). */
const FIELDS: Array<{ key: string; label: string; help: string; options?: string[] }> = [
  {
    key: 'seat_unit',
    label: 'What a seat is',
    help: 'Devices; a device’s CPU sockets or cores; named users; floating leases; or nothing (site).',
    options: ['devices', 'cpu_sockets', 'cpu_cores', 'named_users', 'leases', 'none'],
  },
  {
    key: 'overage',
    label: 'Overage',
    help: 'How far past the seat limit devices may go, each with a warning and an event.',
    options: ['none', '1.25x', '1.5x', '2x'],
  },
  {
    key: 'expiration_basis',
    label: 'Term starts',
    help: 'At issue, or at the first activation or validation (trials that start when used).',
    options: ['from_creation', 'from_first_activation', 'from_first_validation'],
  },
  {
    key: 'expiration_strategy',
    label: 'At expiry',
    help: 'Stop working; revoke; keep builds released before expiry working (maintenance); or keep working.',
    options: ['restrict_access', 'revoke_access', 'maintain_access', 'allow_access'],
  },
  {
    key: 'renewal_basis',
    label: 'Renewal starts',
    help: 'From the current expiry, or from the day of renewal.',
    options: ['from_expiry', 'from_now'],
  },
  {
    key: 'lease_minutes',
    label: 'Lease (minutes)',
    help: 'Floating: a lease lasts this long after its last heartbeat.',
  },
  {
    key: 'lease_revival_minutes',
    label: 'Lease revival (minutes)',
    help: 'A released lease may be taken back within this window (0: never).',
  },
  { key: 'devices_per_user', label: 'Devices per user', help: 'Named users: devices one user may use.' },
  {
    key: 'heartbeat_interval_seconds',
    label: 'Heartbeat (seconds)',
    help: 'How often apps check in (next_heartbeat_seconds).',
  },
  { key: 'token_ttl_days', label: 'Offline token (days)', help: 'The longest a device runs offline.' },
  {
    key: 'device_uniqueness',
    label: 'One seat per device',
    help: 'Per license, or across the product’s or all your licenses.',
    options: ['per_license', 'per_product', 'per_account'],
  },
  {
    key: 'device_matching',
    label: 'Recognise a device by',
    help: 'Its fingerprint, or enough of its reported hardware components.',
    options: ['fingerprint', 'components'],
  },
  {
    key: 'transfer_strategy',
    label: 'On transfer',
    help: 'Keep the expiry, or give the new holder a whole term.',
    options: ['keep_expiry', 'reset_expiry'],
  },
];

/** Presets: a vendor picks one and gets the right type, model, limit and policy. */
export const POLICY_PRESETS: Array<{
  label: string;
  license_type: string;
  license_model: string;
  max_activations: number | null;
  duration_days: number | null;
  policy: Record<string, unknown>;
}> = [
  {
    label: 'Floating, 10 concurrent, 15 min lease',
    license_type: 'concurrent',
    license_model: 'per_device',
    max_activations: 10,
    duration_days: 365,
    policy: { lease_minutes: 15 },
  },
  {
    label: 'Per core, 16 cores',
    license_type: 'subscription',
    license_model: 'per_core',
    max_activations: 16,
    duration_days: 365,
    policy: {},
  },
  {
    label: 'Perpetual with 1 year of updates',
    license_type: 'perpetual',
    license_model: 'per_device',
    max_activations: 3,
    duration_days: 365,
    policy: {},
  },
  {
    label: 'Trial, 14 days from first use',
    license_type: 'trial',
    license_model: 'per_device',
    max_activations: 1,
    duration_days: 14,
    policy: {},
  },
  {
    label: 'Named users, 5 seats',
    license_type: 'named_user',
    license_model: 'per_seat',
    max_activations: 5,
    duration_days: 365,
    policy: {},
  },
];

/** Only what differs from the defaults is kept as the plan's overrides. */
export function policyOverrides(values: Record<string, unknown>, defaults: Policy | undefined) {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== '' && v !== defaults?.[k]));
}

/**
 * The plan's policy: every field with its help line, showing the license type × model default and
 * keeping only what the vendor changes.
 */
export function PolicyEditor({
  type,
  model,
  values,
  onChange,
  onPreset,
}: {
  type: string;
  model: string;
  values: Record<string, unknown>;
  onChange: (values: Record<string, unknown>) => void;
  onPreset: (preset: (typeof POLICY_PRESETS)[number]) => void;
}) {
  const defaults = useQuery(policyDefaultsQuery).data?.[type]?.[model];
  return (
    <fieldset className="flex flex-col gap-3" aria-label="Policy">
      <legend className="mb-1 text-sm font-semibold text-zinc-900">Policy</legend>
      <div className="flex flex-wrap gap-2">
        {POLICY_PRESETS.map((p) => (
          <Button key={p.label} type="button" variant="secondary" size="sm" onClick={() => onPreset(p)}>
            {p.label}
          </Button>
        ))}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        {FIELDS.map((f) => {
          const current = values[f.key] ?? '';
          const fallback = defaults?.[f.key];
          const hint = `${f.help} Default: ${String(fallback ?? '—')}.`;
          const set = (v: unknown) => onChange({ ...values, [f.key]: v });
          return f.options ? (
            <Select
              key={f.key}
              label={f.label}
              hint={hint}
              placeholder={`Default (${String(fallback ?? '—')})`}
              options={f.options.map((o) => ({ value: o, label: o.replaceAll('_', ' ') }))}
              value={String(current)}
              onChange={(e) => set(e.target.value)}
            />
          ) : (
            <Input
              key={f.key}
              label={f.label}
              hint={hint}
              type="number"
              min={0}
              placeholder={String(fallback ?? '')}
              value={String(current)}
              onChange={(e) => set(e.target.value === '' ? '' : Number(e.target.value))}
            />
          );
        })}
      </div>
    </fieldset>
  );
}
