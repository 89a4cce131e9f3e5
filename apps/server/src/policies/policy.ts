/**
 * A license's policy: every behaviour that differs between license types and models, named and
 * enumerated (Keygen's Policy object). A plan carries overrides of the defaults for its type and model;
 * a license copies its plan's at issue and may override them again. Nothing else branches on
 * `license_type` or `license_model`: code asks the effective policy.
 */

export const LICENSE_TYPES = [
  'perpetual',
  'subscription',
  'trial',
  'evaluation',
  'concurrent',
  'named_user',
] as const;
export const LICENSE_MODELS = [
  'per_seat',
  'per_device',
  'per_cpu',
  'per_core',
  'site',
  'enterprise',
] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];
export type LicenseModel = (typeof LICENSE_MODELS)[number];

/** When the license's term starts counting. */
export const EXPIRATION_BASES = ['from_creation', 'from_first_activation', 'from_first_validation'] as const;
/** What expiry (after the grace period) does. */
export const EXPIRATION_STRATEGIES = [
  /** The license stops validating. */
  'restrict_access',
  /** The license is revoked: renewing it is no longer possible. */
  'revoke_access',
  /** Builds released before expiry keep working; later builds are refused (maintenance). */
  'maintain_access',
  /** Expiry is informational: the license keeps validating. */
  'allow_access',
] as const;
/** Where a renewal's new term starts. */
export const RENEWAL_BASES = ['from_expiry', 'from_now'] as const;
/** What one seat of the license is. */
export const SEAT_UNITS = [
  /** One device, one seat. */
  'devices',
  /** A device takes as many seats as the CPU sockets it reports. */
  'cpu_sockets',
  /** A device takes as many seats as the CPU cores it reports. */
  'cpu_cores',
  /** Seats belong to users (email or external id), each with a few devices. */
  'named_users',
  /** A seat is a lease renewed by heartbeat; a lease not renewed in time is released (floating). */
  'leases',
  /** Nothing is counted (site and enterprise licenses). */
  'none',
] as const;
/** How far past the seat limit a license may go, each seat over it answered with a warning. */
export const OVERAGES = ['none', '1.25x', '1.5x', '2x'] as const;
export const OVERAGE_FACTOR: Record<(typeof OVERAGES)[number], number> = {
  none: 1,
  '1.25x': 1.25,
  '1.5x': 1.5,
  '2x': 2,
};
/** How a device is recognised again. */
export const DEVICE_MATCHING = ['fingerprint', 'components'] as const;
/** Where a device may hold only one seat. */
export const DEVICE_UNIQUENESS = ['per_license', 'per_product', 'per_account'] as const;
/** What moving a license to another customer does to its expiry. */
export const TRANSFER_STRATEGIES = ['keep_expiry', 'reset_expiry'] as const;

export interface Policy {
  expiration_basis: (typeof EXPIRATION_BASES)[number];
  expiration_strategy: (typeof EXPIRATION_STRATEGIES)[number];
  renewal_basis: (typeof RENEWAL_BASES)[number];
  seat_unit: (typeof SEAT_UNITS)[number];
  overage: (typeof OVERAGES)[number];
  /** Floating licenses: a lease lasts this long after its last heartbeat. */
  lease_minutes: number;
  /** A device whose lease was released may take it back within this many minutes (0: never). */
  lease_revival_minutes: number;
  /** Named users: devices one user may use at once. */
  devices_per_user: number;
  heartbeat_required: boolean;
  heartbeat_interval_seconds: number;
  /** The license stops validating on a device that has not checked in for this many days; null: never. */
  check_in_days: number | null;
  device_matching: (typeof DEVICE_MATCHING)[number];
  /** With `components` matching: how many of the device's reported components must agree. */
  components_required: number;
  device_uniqueness: (typeof DEVICE_UNIQUENESS)[number];
  transfer_strategy: (typeof TRANSFER_STRATEGIES)[number];
  /** How long an activation token is valid: the longest a device can run offline. */
  token_ttl_days: number;
  /** Key sharing (compliance): the most distinct countries one key is used from per window; null: not checked. */
  sharing_max_countries: number | null;
  /** Key sharing (compliance): the most distinct IP addresses one key is used from per window; null: not checked. */
  sharing_max_ips: number | null;
  /** Key sharing (compliance): the window those are counted in, in hours (windows aligned to the epoch, UTC). */
  sharing_window_hours: number;
}

export type PolicyOverrides = Partial<Policy>;

/**
 * Key-sharing allowances, the same for every type and model (the compliance scan reads them in SQL with
 * these as the defaults): three countries a day; IP addresses are not counted unless a plan says so
 * (offices, mobile networks and VPNs change them all day).
 */
export const SHARING_DEFAULTS = {
  sharing_max_countries: 3,
  sharing_max_ips: null,
  sharing_window_hours: 24,
} as const satisfies Pick<Policy, 'sharing_max_countries' | 'sharing_max_ips' | 'sharing_window_hours'>;

const BASE: Policy = {
  expiration_basis: 'from_creation',
  expiration_strategy: 'restrict_access',
  renewal_basis: 'from_expiry',
  seat_unit: 'devices',
  overage: 'none',
  lease_minutes: 15,
  lease_revival_minutes: 0,
  devices_per_user: 3,
  heartbeat_required: false,
  heartbeat_interval_seconds: 3600,
  check_in_days: null,
  device_matching: 'fingerprint',
  components_required: 2,
  device_uniqueness: 'per_license',
  transfer_strategy: 'keep_expiry',
  token_ttl_days: 30,
  ...SHARING_DEFAULTS,
};

/** What each license type changes from the base. */
const BY_TYPE: Record<LicenseType, PolicyOverrides> = {
  // A perpetual license with an expiry date is a maintenance window: builds from before it keep working.
  perpetual: { expiration_strategy: 'maintain_access' },
  subscription: {},
  // A trial's term starts when it is first used, and it ends without a renewal.
  trial: { expiration_basis: 'from_first_activation', token_ttl_days: 7 },
  evaluation: { expiration_basis: 'from_first_activation', token_ttl_days: 7 },
  concurrent: {
    seat_unit: 'leases',
    heartbeat_required: true,
    heartbeat_interval_seconds: 300,
    lease_minutes: 15,
    token_ttl_days: 1,
  },
  named_user: { seat_unit: 'named_users' },
};

/** What each license model counts, unless the type decides it (concurrent, named_user). */
const UNIT_BY_MODEL: Record<LicenseModel, Policy['seat_unit']> = {
  per_seat: 'named_users',
  per_device: 'devices',
  per_cpu: 'cpu_sockets',
  per_core: 'cpu_cores',
  site: 'none',
  enterprise: 'none',
};

/** The documented defaults of a type and model, before a plan's or license's overrides. */
export function defaultPolicy(type: LicenseType, model: LicenseModel): Policy {
  const typed = BY_TYPE[type];
  // A site or enterprise license counts nothing, whatever its type; otherwise the type may decide.
  const uncounted = UNIT_BY_MODEL[model] === 'none';
  return { ...BASE, ...typed, seat_unit: uncounted ? 'none' : (typed.seat_unit ?? UNIT_BY_MODEL[model]) };
}

/** Every type × model's defaults, for the plan editor: { subscription: { per_device: {…} } }. */
export function policyDefaults(): Record<LicenseType, Record<LicenseModel, Policy>> {
  return Object.fromEntries(
    LICENSE_TYPES.map((t) => [t, Object.fromEntries(LICENSE_MODELS.map((m) => [m, defaultPolicy(t, m)]))]),
  ) as Record<LicenseType, Record<LicenseModel, Policy>>;
}

/** The policy a license lives by: its type's and model's defaults, then its own overrides. */
export function effectivePolicy(type: string, model: string, overrides: PolicyOverrides | null): Policy {
  return { ...defaultPolicy(type as LicenseType, model as LicenseModel), ...(overrides ?? {}) };
}

/** How many seats a device takes under the policy (0 for a site license: nothing is counted). */
export function seatWeight(
  policy: Policy,
  device: { cpu_cores?: number | null; cpu_sockets?: number | null },
) {
  switch (policy.seat_unit) {
    case 'none':
      return 0;
    case 'cpu_cores':
      return Math.max(1, device.cpu_cores ?? 1);
    case 'cpu_sockets':
      return Math.max(1, device.cpu_sockets ?? 1);
    default:
      return 1;
  }
}

/** The most seats the license admits, overage included; null when unlimited. */
export function seatCeiling(policy: Policy, maxSeats: number | null): number | null {
  if (maxSeats === null || policy.seat_unit === 'none') return null;
  return Math.floor(maxSeats * OVERAGE_FACTOR[policy.overage]);
}
