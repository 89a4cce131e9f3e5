import { Type } from 'typebox';
import { listQuery } from '../http/common-schemas.js';
import { FeaturesSchema, LimitsSchema, RestrictionsSchema } from '../plans/schemas.js';
import { PolicyOverridesSchema, PolicySchema } from '../policies/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Metadata = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 });

export const LicenseSchema = Type.Object(
  {
    id: Uuid,
    account_id: Uuid,
    key: Nullable(Type.String({ description: 'Full key; null for roles that may not see keys' })),
    key_masked: Type.String(),
    key_last4: Type.String(),
    product_id: Nullable(Uuid),
    plan_id: Uuid,
    plan_code: Type.String(),
    plan_name: Type.String(),
    tier_rank: Type.Integer(),
    customer_id: Nullable(Uuid),
    customer_email: Nullable(Type.String()),
    customer_company: Nullable(Type.String()),
    subscription_id: Nullable(Uuid),
    order_id: Nullable(Uuid),
    license_type: Type.String(),
    license_model: Type.String(),
    status: Type.String(),
    effective_status: Type.String(),
    status_reason: Nullable(Type.String()),
    max_activations: Nullable(Type.Integer()),
    features: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    limits: Type.Record(Type.String(), Nullable(Type.Number())),
    restrictions: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    policy: PolicyOverridesSchema,
    effective_policy: PolicySchema,
    starts_at: DateTime,
    expires_at: Nullable(DateTime),
    term_days: Nullable(
      Type.Integer({ description: 'Length of a term that starts on first use; null once it started' }),
    ),
    maintenance_expires_at: Nullable(DateTime),
    grace_period_days: Type.Integer(),
    grace_ends_at: Nullable(DateTime),
    is_in_grace_period: Type.Boolean(),
    days_remaining: Nullable(Type.Integer()),
    trial_ends_at: Nullable(DateTime),
    auto_renew: Type.Boolean(),
    offline_file_ttl_days: Type.Integer(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    revoked_at: Nullable(DateTime),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'License' },
);

export const CreateLicenseBody = Type.Object(
  {
    plan_id: Uuid,
    customer_id: Type.Optional(Uuid),
    product_id: Type.Optional(Uuid),
    subscription_id: Type.Optional(Uuid),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('pending')])),
    trial: Type.Optional(Type.Boolean()),
    starts_at: Type.Optional(DateTime),
    expires_at: Type.Optional(Nullable(DateTime)),
    duration_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
    max_activations: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
    features: Type.Optional(FeaturesSchema),
    limits: Type.Optional(LimitsSchema),
    restrictions: Type.Optional(RestrictionsSchema),
    policy: Type.Optional(PolicyOverridesSchema),
    grace_period_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    auto_renew: Type.Optional(Type.Boolean()),
    offline_file_ttl_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

export const UpdateLicenseBody = Type.Object(
  {
    max_activations: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
    features: Type.Optional(FeaturesSchema),
    limits: Type.Optional(LimitsSchema),
    restrictions: Type.Optional(RestrictionsSchema),
    policy: Type.Optional(PolicyOverridesSchema),
    metadata: Type.Optional(Metadata),
    auto_renew: Type.Optional(Type.Boolean()),
    grace_period_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    maintenance_expires_at: Type.Optional(Nullable(DateTime)),
    offline_file_ttl_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const RegenerateKeyBody = Type.Object(
  {
    keep_seats: Type.Optional(
      Type.Boolean({ description: 'Keep the devices activated with the old key (default: their seats end)' }),
    ),
  },
  { additionalProperties: false },
);
export const RenewBody = Type.Object(
  {
    duration_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
    expires_at: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);
export const TransferBody = Type.Object({ customer_id: Uuid }, { additionalProperties: false });
export const ChangePlanBody = Type.Object({ plan_id: Uuid }, { additionalProperties: false });

export const ListLicensesQuery = listQuery(['created_at', 'expires_at', 'status'], {
  status: Type.Optional(
    Type.Union(['pending', 'active', 'suspended', 'expired', 'revoked'].map((s) => Type.Literal(s))),
  ),
  plan_id: Type.Optional(Uuid),
  product_id: Type.Optional(Uuid),
  customer_id: Type.Optional(Uuid),
  subscription_id: Type.Optional(Uuid),
  expires_before: Type.Optional(DateTime),
  expires_after: Type.Optional(DateTime),
});

export const ActivationSchema = Type.Object(
  {
    id: Uuid,
    account_id: Uuid,
    license_id: Uuid,
    device_id: Type.String(),
    machine_name: Nullable(Type.String()),
    hostname: Nullable(Type.String()),
    platform: Nullable(Type.String()),
    os: Nullable(Type.String()),
    os_version: Nullable(Type.String()),
    app_version: Nullable(Type.String()),
    cpu_cores: Nullable(Type.Integer()),
    seats: Type.Integer({ description: "Seats this device takes under the license's policy" }),
    lease_expires_at: Nullable(DateTime),
    user_ref: Nullable(Type.String({ description: 'Named-user licenses: the user of this device' })),
    ip: Nullable(Type.String()),
    country: Nullable(Type.String()),
    user_agent: Nullable(Type.String()),
    activation_type: Type.String(),
    status: Type.String(),
    activated_at: DateTime,
    last_heartbeat_at: Nullable(DateTime),
    last_validated_at: Nullable(DateTime),
    deactivated_at: Nullable(DateTime),
    deactivation_reason: Nullable(Type.String()),
    usage_metrics: Type.Record(Type.String(), Type.Unknown()),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    license_key_last4: Type.Optional(Type.String()),
    customer_id: Type.Optional(Nullable(Type.String())),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'Activation' },
);

export const ListActivationsQuery = listQuery(['created_at', 'last_heartbeat_at', 'activated_at'], {
  status: Type.Optional(
    Type.Union(['active', 'deactivated', 'expired', 'blocked'].map((s) => Type.Literal(s))),
  ),
  license_id: Type.Optional(Uuid),
  platform: Type.Optional(Type.String({ maxLength: 50 })),
  seen_before: Type.Optional(DateTime),
});
