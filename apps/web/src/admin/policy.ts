/**
 * License policies in plain language: every field of the server's policy (apps/server/src/policies/policy.ts)
 * with a help line per field and per option (docs/license-types.md's wording), the presets of the plan
 * editor, and the small sums the license page shows. The defaults per license type × model are not copied
 * here: the plan editor reads them from `GET /api/v1/plans/policy-defaults`, which the server answers
 * with its own `policyDefaults()`. The field and option lists are typed by the generated OpenAPI schema,
 * so a field or an enumerated value the server adds fails the typecheck until it has its help line.
 */
import type { License, Plan } from '../api/resources';

/** The effective policy: every field present. */
export type Policy = License['effective_policy'];
/** A plan's or a license's overrides of its type × model defaults. */
export type PolicyOverrides = NonNullable<Plan['policy']>;
export type PolicyKey = keyof Policy;
/** The server's defaults, by license type then model. */
export type PolicyDefaults = Record<string, Record<string, Policy>>;

export type PolicyGroup =
  | 'Seats'
  | 'Term'
  | 'Floating leases'
  | 'Heartbeat and offline'
  | 'Devices'
  | 'Key sharing';
export const POLICY_GROUPS: readonly PolicyGroup[] = [
  'Seats',
  'Term',
  'Floating leases',
  'Heartbeat and offline',
  'Devices',
  'Key sharing',
];

/** One option of a choice: its label and what choosing it does. */
type Choices<V extends string> = { [O in V]: readonly [label: string, help: string] };

interface FieldBase {
  label: string;
  help: string;
  group: PolicyGroup;
  /** Whether the field matters under this policy (the license page leaves out the rest). */
  applies?: (p: Policy) => boolean;
}
export type ChoiceField<V extends string = string> = FieldBase & { kind: 'choice'; options: Choices<V> };
export type SwitchField = FieldBase & { kind: 'switch'; on: string; off: string };
export type NumberField = FieldBase & {
  kind: 'number';
  min: number;
  max: number;
  unit: string;
  /** What an empty value means, when the field may be null. */
  empty?: string;
};
export type FieldSpec<K extends PolicyKey> = Policy[K] extends string
  ? ChoiceField<Extract<Policy[K], string>>
  : Policy[K] extends boolean
    ? SwitchField
    : NumberField;

const floating = (p: Policy) => p.seat_unit === 'leases';

/** Every policy field, in the order the editor shows them (bounds as the server's schema). */
export const POLICY_FIELDS: { [K in PolicyKey]: FieldSpec<K> } = {
  seat_unit: {
    kind: 'choice',
    group: 'Seats',
    label: 'What a seat is',
    help: 'What one seat of the plan’s max seats counts.',
    options: {
      devices: ['Devices', 'One device, one seat.'],
      cpu_sockets: ['CPU sockets', 'A device takes as many seats as the CPU sockets it reports.'],
      cpu_cores: ['CPU cores', 'A device takes as many seats as the CPU cores it reports.'],
      named_users: [
        'Named users',
        'Seats are users staff assign (email or id), each with a few devices of their own.',
      ],
      leases: [
        'Floating leases',
        'A seat is a lease renewed by heartbeat; a lease not renewed in time is released for another device.',
      ],
      none: [
        'Nothing (site)',
        'Nothing is counted (site and enterprise licenses); devices are still listed.',
      ],
    },
  },
  overage: {
    kind: 'choice',
    group: 'Seats',
    label: 'Overage',
    help: 'How far past the max seats devices may go.',
    options: {
      none: ['None', 'No seat past the limit: the next device is refused.'],
      '1.25x': ['1.25 ×', 'Up to 1.25 × the seats; each seat over the limit gets a warning and an event.'],
      '1.5x': ['1.5 ×', 'Up to 1.5 × the seats; each seat over the limit gets a warning and an event.'],
      '2x': ['2 ×', 'Up to twice the seats; each seat over the limit gets a warning and an event.'],
    },
  },
  devices_per_user: {
    kind: 'number',
    group: 'Seats',
    label: 'Devices per user',
    help: 'Named users: how many live devices each assigned user may have.',
    min: 1,
    max: 1000,
    unit: 'devices',
    applies: (p) => p.seat_unit === 'named_users',
  },
  expiration_basis: {
    kind: 'choice',
    group: 'Term',
    label: 'Term starts',
    help: 'When the term starts counting.',
    options: {
      from_creation: ['At issue', 'The term starts when the license is issued.'],
      from_first_activation: [
        'At first activation',
        'Until the first activation the license has a length and no expiry date; the first activation sets it, once.',
      ],
      from_first_validation: [
        'At first validation',
        'Until the first validation the license has a length and no expiry date; the first validation sets it, once.',
      ],
    },
  },
  expiration_strategy: {
    kind: 'choice',
    group: 'Term',
    label: 'At expiry',
    help: 'What expiry does after the grace period.',
    options: {
      restrict_access: ['Stop validating', 'Devices stop validating (LICENSE_EXPIRED).'],
      revoke_access: ['Revoke', 'The license is revoked: renewing it is no longer possible.'],
      maintain_access: [
        'Keep older builds (maintenance)',
        'Builds released before expiry keep working; later builds are refused (MAINTENANCE_EXPIRED).',
      ],
      allow_access: ['Keep working', 'Nothing: the term is informational unless staff expire the license.'],
    },
  },
  renewal_basis: {
    kind: 'choice',
    group: 'Term',
    label: 'Renewal starts',
    help: 'Where a renewal’s new term starts; a term that would still end in the past starts now.',
    options: {
      from_expiry: ['From the expiry', 'The new term follows the current one.'],
      from_now: ['From the renewal', 'The new term starts on the day of the renewal.'],
    },
  },
  transfer_strategy: {
    kind: 'choice',
    group: 'Term',
    label: 'On transfer',
    help: 'What moving the license to another customer does to its expiry.',
    options: {
      keep_expiry: ['Keep the expiry', 'The license keeps its expiry date.'],
      reset_expiry: [
        'Start a new term',
        'The new customer gets a whole term (the plan’s duration) from today.',
      ],
    },
  },
  lease_minutes: {
    kind: 'number',
    group: 'Floating leases',
    label: 'Lease (minutes)',
    help: 'A lease lasts this long after its last heartbeat; then it is released for another device.',
    min: 1,
    max: 10_080,
    unit: 'min',
    applies: floating,
  },
  lease_revival_minutes: {
    kind: 'number',
    group: 'Floating leases',
    label: 'Lease revival (minutes)',
    help: 'A device whose lease was released takes it back on its next heartbeat within this many minutes, if there is room (0: never).',
    min: 0,
    max: 10_080,
    unit: 'min',
    applies: floating,
  },
  heartbeat_required: {
    kind: 'switch',
    group: 'Heartbeat and offline',
    label: 'Heartbeat',
    help: 'Whether the app must check in while it runs.',
    on: 'Required: the app sends heartbeats at the interval (a floating lease ends without them).',
    off: 'Optional: the app may send heartbeats.',
  },
  heartbeat_interval_seconds: {
    kind: 'number',
    group: 'Heartbeat and offline',
    label: 'Heartbeat interval (seconds)',
    help: 'How often apps check in (answered as next_heartbeat_seconds).',
    min: 30,
    max: 604_800,
    unit: 's',
  },
  check_in_days: {
    kind: 'number',
    group: 'Heartbeat and offline',
    label: 'Check in within (days)',
    help: 'A device must come online within this many days: its activation tokens live no longer.',
    min: 1,
    max: 3650,
    unit: 'd',
    empty: 'never',
  },
  token_ttl_days: {
    kind: 'number',
    group: 'Heartbeat and offline',
    label: 'Offline token (days)',
    help: 'Lifetime of an activation token: the longest a device runs offline.',
    min: 1,
    max: 3650,
    unit: 'd',
  },
  device_matching: {
    kind: 'choice',
    group: 'Devices',
    label: 'Recognise a device by',
    help: 'How a device is recognised again.',
    options: {
      fingerprint: ['Fingerprint', 'The device’s fingerprint alone.'],
      components: [
        'Hardware components',
        'The app reports components (disk serial, board id, MAC…); a device whose fingerprint changed keeps its seat when enough of them agree.',
      ],
    },
  },
  components_required: {
    kind: 'number',
    group: 'Devices',
    label: 'Components that must agree',
    help: 'With component matching: how many reported components must agree; fewer is another machine.',
    min: 1,
    max: 16,
    unit: '',
    applies: (p) => p.device_matching === 'components',
  },
  device_uniqueness: {
    kind: 'choice',
    group: 'Devices',
    label: 'One seat per device',
    help: 'Where a device may hold only one seat.',
    options: {
      per_license: ['Per license', 'A device holds one seat of this license.'],
      per_product: [
        'Per product',
        'A device with a live seat of another license of the same product is refused.',
      ],
      per_account: ['Per account', 'A device with a live seat of any other license of yours is refused.'],
    },
  },
  sharing_max_countries: {
    kind: 'number',
    group: 'Key sharing',
    label: 'Countries per window',
    help: 'A key used from more countries than this in one window raises a key-sharing violation (Compliance).',
    min: 1,
    max: 250,
    unit: 'countries',
    empty: 'not checked',
  },
  sharing_max_ips: {
    kind: 'number',
    group: 'Key sharing',
    label: 'IP addresses per window',
    help: 'A key used from more IP addresses than this in one window raises a key-sharing violation.',
    min: 1,
    max: 100_000,
    unit: 'IPs',
    empty: 'not checked',
  },
  sharing_window_hours: {
    kind: 'number',
    group: 'Key sharing',
    label: 'Window (hours)',
    help: 'Countries and IP addresses are counted per window of this many hours (UTC).',
    min: 1,
    max: 720,
    unit: 'h',
  },
};

export const POLICY_KEYS = Object.keys(POLICY_FIELDS) as PolicyKey[];

/** A field's value in words ("Floating leases", "15 min", "never"). */
export function policyValueLabel(key: PolicyKey, value: unknown): string {
  const spec = POLICY_FIELDS[key] as ChoiceField | SwitchField | NumberField;
  if (value === undefined) return '—';
  switch (spec.kind) {
    case 'choice':
      return spec.options[String(value)]?.[0] ?? String(value);
    case 'switch':
      return value ? 'required' : 'optional';
    case 'number':
      return value === null ? (spec.empty ?? '—') : `${value}${spec.unit ? ` ${spec.unit}` : ''}`;
  }
}

/** What the chosen option does (choices and switches), for the help line under a field. */
export function policyOptionHelp(key: PolicyKey, value: unknown): string | null {
  const spec = POLICY_FIELDS[key] as ChoiceField | SwitchField | NumberField;
  if (spec.kind === 'choice') return spec.options[String(value)]?.[1] ?? null;
  if (spec.kind === 'switch') return value === undefined ? null : value ? spec.on : spec.off;
  return null;
}

/** Only what differs from the type × model defaults is kept as overrides (all of it while they load). */
export function policyOverrides(values: PolicyOverrides, defaults: Policy | undefined): PolicyOverrides {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([k, v]) => v !== undefined && (!defaults || v !== defaults[k as PolicyKey]),
    ),
  ) as PolicyOverrides;
}

/** A preset: a license type, model, limit, term and policy that say what a vendor sells. */
export interface PolicyPreset {
  label: string;
  description: string;
  license_type: string;
  license_model: string;
  max_activations: number | null;
  duration_days: number | null;
  policy: PolicyOverrides;
}

/** Presets per license type: a vendor picks one and gets the right settings. */
export const POLICY_PRESETS: readonly PolicyPreset[] = [
  {
    label: 'Floating, 10 concurrent, 15 min lease',
    description:
      'Concurrent: 10 devices at once, each holding a lease its heartbeat renews; a silent device’s lease is released after 15 minutes.',
    license_type: 'concurrent',
    license_model: 'per_device',
    max_activations: 10,
    duration_days: 365,
    policy: { lease_minutes: 15 },
  },
  {
    label: 'Per core, 16 cores',
    description: 'Subscription counting CPU cores: an 8-core machine takes 8 of the 16 seats.',
    license_type: 'subscription',
    license_model: 'per_core',
    max_activations: 16,
    duration_days: 365,
    policy: {},
  },
  {
    label: 'Perpetual with 1 year of updates',
    description:
      'Perpetual: builds released within the year keep working for ever; later builds are refused.',
    license_type: 'perpetual',
    license_model: 'per_device',
    max_activations: 3,
    duration_days: 365,
    policy: {},
  },
  {
    label: 'Trial, 14 days from first use',
    description: 'Trial on one device: the 14 days start at the first activation, not at issue.',
    license_type: 'trial',
    license_model: 'per_device',
    max_activations: 1,
    duration_days: 14,
    policy: {},
  },
  {
    label: 'Named users, 5 seats',
    description: 'Five users staff assign, each with up to 3 devices.',
    license_type: 'named_user',
    license_model: 'per_seat',
    max_activations: 5,
    duration_days: 365,
    policy: {},
  },
];

/** The most seats the license admits, overage included (null: unlimited or nothing counted). */
export function seatCeiling(policy: Policy, max: number | null): number | null {
  if (max === null || policy.seat_unit === 'none') return null;
  const factor = policy.overage === 'none' ? 1 : Number(policy.overage.slice(0, -1));
  return Math.floor(max * factor);
}

/** The license's term in words: its expiry, or the length of a term that starts on first use. */
export function termLabel(
  l: Pick<License, 'expires_at' | 'term_days' | 'effective_policy'>,
  formatDate: (iso: string) => string,
): string {
  if (l.expires_at) return formatDate(l.expires_at);
  if (l.term_days != null) {
    const on = l.effective_policy.expiration_basis === 'from_first_validation' ? 'validation' : 'activation';
    return `Starts on first ${on}, ${l.term_days} days`;
  }
  return 'Never';
}
