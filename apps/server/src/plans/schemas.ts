import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** An entitlement: a feature switch, optionally metered (limit per period) and time-boxed. */
export const FeatureSchema = Type.Object(
  {
    feature_id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-zA-Z0-9_.:-]+$' }),
    name: Type.String({ maxLength: 200 }),
    enabled: Type.Boolean(),
    limit_value: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }))),
    limit_type: Type.Optional(
      Type.Union([
        Type.Literal('count'),
        Type.Literal('size'),
        Type.Literal('duration'),
        Type.Literal('bandwidth'),
      ]),
    ),
    period: Type.Optional(
      Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('month'), Type.Literal('total')]),
    ),
    expires_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { additionalProperties: false },
);
export const FeaturesSchema = Type.Array(FeatureSchema, { maxItems: 200 });

/** Named numeric limits (max_users, max_api_requests_per_hour …); null means unlimited. */
export const LimitsSchema = Type.Record(
  Type.String({ maxLength: 64, pattern: '^[a-z0-9_]+$' }),
  Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })),
  { maxProperties: 50 },
);

export const RestrictionSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal('geographic'),
      Type.Literal('ip_range'),
      Type.Literal('domain'),
      Type.Literal('hostname'),
      Type.Literal('platform'),
      Type.Literal('app_version'),
    ]),
    values: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 200 }),
    operator: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  },
  { additionalProperties: false },
);
export const RestrictionsSchema = Type.Array(RestrictionSchema, { maxItems: 50 });

export type Feature = Static<typeof FeatureSchema>;
export type Limits = Static<typeof LimitsSchema>;
export type Restriction = Static<typeof RestrictionSchema>;

import { LICENSE_MODELS, LICENSE_TYPES, type PolicyOverrides } from '../policies/policy.js';
import { PolicyOverridesSchema } from '../policies/schemas.js';

export { LICENSE_MODELS, LICENSE_TYPES };

/** The writable fields of a plan, shared by create (required ones) and update (all optional). */
const planFields = {
  product_id: Nullable(Type.String({ format: 'uuid' })),
  code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  rank: Type.Integer({ minimum: 0, maximum: 1000 }),
  license_type: Type.Union(LICENSE_TYPES.map((v) => Type.Literal(v))),
  license_model: Type.Union(LICENSE_MODELS.map((v) => Type.Literal(v))),
  duration_days: Nullable(Type.Integer({ minimum: 1, maximum: 36_500 })),
  max_activations: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  features: FeaturesSchema,
  limits: LimitsSchema,
  restrictions: RestrictionsSchema,
  policy: PolicyOverridesSchema,
  price_monthly_cents: Type.Integer({ minimum: 0, maximum: 100_000_000_00 }),
  price_yearly_cents: Type.Integer({ minimum: 0, maximum: 100_000_000_00 }),
  currency: Type.String({ pattern: '^[a-z]{3}$' }),
  trial_allowed: Type.Boolean(),
  trial_days: Type.Integer({ minimum: 0, maximum: 365 }),
  grace_period_days: Type.Integer({ minimum: 0, maximum: 365 }),
  dunning_days: Type.Integer({
    minimum: 0,
    maximum: 90,
    description: 'How long a past-due subscription keeps its licenses working before they are suspended',
  }),
  stripe_price_monthly: Type.Union([Type.String({ pattern: '^price_', maxLength: 255 }), Type.Null()], {
    description: 'The Stripe price (price_…) Checkout sells for a monthly subscription to this plan',
  }),
  stripe_price_annual: Type.Union([Type.String({ pattern: '^price_', maxLength: 255 }), Type.Null()], {
    description: 'The Stripe price for an annual subscription',
  }),
  requires_approval: Type.Boolean({
    description: 'Orders with this plan wait for an owner or admin to approve them before payment',
  }),
  offline_file_ttl_days: Type.Integer({ minimum: 1, maximum: 3650 }),
  auto_renew: Type.Boolean(),
  active: Type.Boolean(),
  public: Type.Boolean(),
  popular: Type.Boolean(),
  metadata: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 }),
};

export const CreatePlanBody = Type.Object(
  {
    code: planFields.code,
    name: planFields.name,
    ...Object.fromEntries(
      Object.entries(planFields)
        .filter(([k]) => k !== 'code' && k !== 'name')
        .map(([k, v]) => [k, Type.Optional(v)]),
    ),
  } as { code: typeof planFields.code; name: typeof planFields.name } & {
    [K in Exclude<keyof typeof planFields, 'code' | 'name'>]: ReturnType<
      typeof Type.Optional<(typeof planFields)[K]>
    >;
  },
  { additionalProperties: false },
);
export type CreatePlan = Static<typeof CreatePlanBody>;

export const UpdatePlanBody = Type.Object(
  Object.fromEntries(Object.entries(planFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof planFields]: ReturnType<typeof Type.Optional<(typeof planFields)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PlanSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    ...planFields,
    code: Type.String(),
    features: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    restrictions: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    limits: Type.Record(Type.String(), Nullable(Type.Number())),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    archived_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Plan' },
);

export interface PlanRow {
  id: string;
  account_id: string;
  product_id: string | null;
  code: string;
  name: string;
  description: string;
  rank: number;
  license_type: (typeof LICENSE_TYPES)[number];
  license_model: (typeof LICENSE_MODELS)[number];
  duration_days: number | null;
  max_activations: number | null;
  features: Feature[];
  limits: Limits;
  restrictions: Restriction[];
  policy: PolicyOverrides;
  price_monthly_cents: number;
  price_yearly_cents: number;
  currency: string;
  trial_allowed: boolean;
  trial_days: number;
  grace_period_days: number;
  dunning_days: number;
  requires_approval: boolean;
  stripe_price_monthly: string | null;
  stripe_price_annual: string | null;
  offline_file_ttl_days: number;
  auto_renew: boolean;
  active: boolean;
  public: boolean;
  popular: boolean;
  metadata: Record<string, unknown>;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
}
