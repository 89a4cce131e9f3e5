import { Type } from 'typebox';
import { DeviceInfoSchema } from '../activations/schemas.js';
import { LICENSE_OUTCOMES } from '../licenses/decision.js';

const _Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * Response-side nullable scalars as `type: [x, 'null']`, not `anyOf`: fast-json-stringify runs an ajv
 * check per anyOf branch while serializing, which on the validate path cost more than the handler.
 */
const NullableOut = {
  dateTime: () => Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' }),
  integer: () => Type.Unsafe<number | null>({ type: ['integer', 'null'] }),
  number: () => Type.Unsafe<number | null>({ type: ['number', 'null'] }),
  string: () => Type.Unsafe<string | null>({ type: ['string', 'null'] }),
};

/** Field bounds: generous for real devices, small enough that hostile input is refused with a pointer. */
const LicenseKey = Type.String({ minLength: 8, maxLength: 100 });
const DeviceId = Type.String({ minLength: 1, maxLength: 200 });
const Token = Type.String({ minLength: 10, maxLength: 4096 });

export const ActivateBody = Type.Object(
  {
    license_key: LicenseKey,
    device_fingerprint: Type.String({ minLength: 1, maxLength: 512 }),
    device_info: Type.Optional(DeviceInfoSchema),
    metadata: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 20 }),
    ),
    user: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 320,
        description: 'Named-user licenses: the user (email or id) staff assigned to the license',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ValidateBody = Type.Object(
  { token: Token, device_id: DeviceId },
  { additionalProperties: false },
);

export const ValidateKeyBody = Type.Object(
  {
    license_key: LicenseKey,
    device_fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    device_id: Type.Optional(DeviceId),
  },
  { additionalProperties: false },
);

export const HeartbeatBody = Type.Object(
  {
    token: Token,
    device_id: DeviceId,
    metrics: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Union([Type.Number(), Type.String({ maxLength: 200 }), Type.Boolean()]),
        { maxProperties: 50 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SyncBody = Type.Object(
  {
    device_id: DeviceId,
    tenant_id: Type.String({ minLength: 1, maxLength: 100 }),
    token: Type.Optional(Token),
  },
  { additionalProperties: false },
);

const FeatureObject = Type.Record(Type.String(), Type.Unknown());

/** The license facts shared by every client answer (seed 000 names first). */
const LicenseFactsFields = {
  subscription_tier: Type.Optional(Type.String()),
  expires_at: Type.Optional(NullableOut.dateTime()),
  features: Type.Optional(Type.Array(Type.String())),
  days_remaining: Type.Optional(NullableOut.integer()),
  is_in_grace_period: Type.Optional(Type.Boolean()),
  license_id: Type.Optional(Type.String()),
  activation_id: Type.Optional(NullableOut.string()),
  status: Type.Optional(Type.String()),
  tier_name: Type.Optional(Type.String()),
  tier_rank: Type.Optional(Type.Integer()),
  grace_period_days: Type.Optional(Type.Integer()),
  grace_ends_at: Type.Optional(NullableOut.dateTime()),
  entitlements: Type.Optional(Type.Array(FeatureObject)),
  limits: Type.Optional(Type.Record(Type.String(), NullableOut.number())),
  max_activations: Type.Optional(NullableOut.integer()),
  tenant_id: Type.Optional(Type.String()),
};

export const ValidationResponse = Type.Object(
  {
    valid: Type.Boolean(),
    code: Type.Unsafe<(typeof LICENSE_OUTCOMES)[number]>({ type: 'string', enum: [...LICENSE_OUTCOMES] }),
    reason: Type.String(),
    validated_at: Type.String({ format: 'date-time' }),
    ...LicenseFactsFields,
  },
  { $id: 'ValidationResult' },
);

export const ActivateResponse = Type.Object({
  ...LicenseFactsFields,
  success: Type.Literal(true),
  activation_id: Type.String(),
  signed_token: Type.String(),
  token_expires_at: Type.String({ format: 'date-time' }),
  device_id: Type.String(),
  activations_used: Type.Integer(),
  reused: Type.Boolean(),
  /** Set when the seat was taken past the limit within the policy's overage (SEAT_OVERAGE). */
  warnings: Type.Array(Type.Object({ code: Type.Literal('SEAT_OVERAGE'), message: Type.String() })),
  /** Floating licenses: when the lease lapses unless a heartbeat renews it. */
  lease_expires_at: NullableOut.dateTime(),
});

export const HeartbeatResponse = Type.Intersect([
  Type.Ref('ValidationResult'),
  Type.Object({ next_heartbeat_seconds: Type.Integer() }),
]);
export const RefreshResponse = Type.Intersect([
  Type.Ref('ValidationResult'),
  Type.Object({ signed_token: Type.String(), token_expires_at: Type.String({ format: 'date-time' }) }),
]);
export const SyncResponse = Type.Intersect([
  Type.Ref('ValidationResult'),
  Type.Object({ success: Type.Boolean(), synced_at: Type.String({ format: 'date-time' }) }),
]);
export const DeactivateResponse = Type.Object({
  success: Type.Boolean(),
  activation_id: Type.String(),
  status: Type.String(),
  deactivated_at: NullableOut.dateTime(),
});
