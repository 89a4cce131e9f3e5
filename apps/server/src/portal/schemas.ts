import { type Static, Type } from 'typebox';

const LicenseKey = Type.String({ minLength: 8, maxLength: 100 });

export const LicenseKeyBody = Type.Object({ license_key: LicenseKey }, { additionalProperties: false });

export const DeactivateDeviceBody = Type.Object(
  { license_key: LicenseKey, activation_id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export type DeactivateDeviceInput = Static<typeof DeactivateDeviceBody>;

/** What the portal shows of a device: no fingerprint, IP or metadata. */
export interface PortalDevice {
  id: string;
  device_id: string;
  machine_name: string | null;
  hostname: string | null;
  platform: string | null;
  app_version: string | null;
  status: string;
  activated_at: Date;
  last_heartbeat_at: Date | null;
  last_validated_at: Date | null;
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

export const LicenseIdParams = Type.Object({ id: Uuid });
export const DeviceParams = Type.Object({ id: Uuid, activation_id: Uuid });

/** One of the signed-in customer's licenses: the full key is theirs to see. */
const OwnLicenseFields = {
  id: Uuid,
  key: Type.String(),
  key_last4: Type.String(),
  product_name: Nullable(Type.String()),
  plan_code: Type.String(),
  plan_name: Type.String(),
  license_type: Type.String(),
  status: Type.String(),
  status_reason: Nullable(Type.String()),
  starts_at: DateTime,
  expires_at: Nullable(DateTime),
  days_remaining: Nullable(Type.Integer()),
  is_in_grace_period: Type.Boolean(),
  grace_ends_at: Nullable(DateTime),
  trial: Nullable(
    Type.Object(
      {
        ends_at: Nullable(DateTime),
        days_left: Type.Integer({ description: 'Whole days left (all of them when it has not started)' }),
      },
      { description: 'A trial still running; ends_at is null until it starts on first use' },
    ),
  ),
  seats_used: Nullable(Type.Integer()),
  max_activations: Nullable(Type.Integer()),
  subscription_id: Nullable(Uuid),
};

export const OwnLicenseList = Type.Object({ data: Type.Array(Type.Object(OwnLicenseFields)) });

const Device = Type.Object({
  id: Uuid,
  device_id: Type.String(),
  machine_name: Nullable(Type.String()),
  hostname: Nullable(Type.String()),
  platform: Nullable(Type.String()),
  app_version: Nullable(Type.String()),
  status: Type.String(),
  activated_at: DateTime,
  last_heartbeat_at: Nullable(DateTime),
  last_validated_at: Nullable(DateTime),
});

export const OwnLicenseDetail = Type.Object({
  ...OwnLicenseFields,
  features: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  limits: Type.Record(Type.String(), Nullable(Type.Number())),
  usage: Type.Array(
    Type.Object({
      name: Type.String(),
      used: Type.Number(),
      peak: Type.Number(),
      limit: Nullable(Type.Number()),
      percentage: Nullable(Type.Number()),
      period: Type.String(),
      reset_at: Nullable(Type.String()),
    }),
  ),
  alerts: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  devices: Type.Array(Device),
});

export const FreedDevice = Type.Object({ activation_id: Uuid, status: Type.String() });

export const OwnOrderList = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Uuid,
      number: Type.Integer(),
      status: Type.String(),
      currency: Type.String(),
      total_cents: Type.Integer(),
      created_at: DateTime,
      paid_at: Nullable(DateTime),
      has_receipt: Type.Boolean(),
      items: Type.Array(
        Type.Object({ description: Type.String(), quantity: Type.Integer(), amount_cents: Type.Integer() }),
      ),
    }),
  ),
});
