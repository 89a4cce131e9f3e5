import { Type } from 'typebox';

export const nullable = (type: string) => Type.Unsafe({ type: [type, 'null'] });
export const CheckResultSchema = Type.Object(
  {
    allowed: Type.Boolean(),
    code: Type.String(),
    reason: Type.String(),
    license_id: nullable('string'),
    tier: nullable('string'),
    tier_rank: nullable('integer'),
    feature: nullable('string'),
    limit: nullable('number'),
    used: nullable('number'),
    remaining: nullable('number'),
    reset_at: nullable('string'),
    /** How much of `consume` was taken: all of it, less with `partial`, 0 when refused; null without consume. */
    granted: nullable('integer'),
    features: Type.Array(Type.String()),
    limits: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]), {
      description: "The license's named limits; check or consume one by passing its name as `feature`",
    }),
  },
  { $id: 'EntitlementCheck' },
);
export const FeatureId = Type.String({ minLength: 1, maxLength: 100 });
export const CheckBody = Type.Object(
  {
    license_key: Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
    token: Type.Optional(Type.String({ minLength: 10, maxLength: 4096 })),
    customer_id: Type.Optional(Type.String({ format: 'uuid' })),
    feature: Type.Optional(FeatureId),
    min_tier: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.String({ minLength: 1, maxLength: 64 })]),
    ),
    consume: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    partial: Type.Optional(
      Type.Boolean({
        description:
          'With consume: take what is left of the quota when less than `consume` is left (a block reservation); `granted` says how much',
      }),
    ),
  },
  { additionalProperties: false },
);
export const UsageBody = Type.Object(
  {
    token: Type.String({ minLength: 10, maxLength: 4096 }),
    feature: FeatureId,
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  },
  { additionalProperties: false },
);
export const StatusQuery = Type.Object(
  { token: Type.Optional(Type.String({ minLength: 10, maxLength: 4096 })) },
  { additionalProperties: false },
);
