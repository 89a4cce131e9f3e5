import { type Static, Type } from 'typebox';
import { listQuery, MetadataSchema } from '../http/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const StatusSchema = Type.Union([
  Type.Literal('trialing'),
  Type.Literal('active'),
  Type.Literal('past_due'),
  Type.Literal('canceled'),
  Type.Literal('expired'),
  Type.Literal('suspended'),
]);
const CycleSchema = Type.Union([Type.Literal('monthly'), Type.Literal('annual')]);
const PriceCents = Type.Integer({ minimum: 0, maximum: 10_000_000_000 });
const Quantity = Type.Integer({
  minimum: 1,
  maximum: 1_000_000,
  description: "Seats: each license the subscription drives gets its plan's seats × quantity",
});

export const SubscriptionSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    customer_id: Type.String({ format: 'uuid' }),
    plan_id: Type.String({ format: 'uuid' }),
    status: Type.String(),
    billing_cycle: Type.String(),
    price_cents: Type.Integer(),
    currency: Type.String(),
    quantity: Type.Integer(),
    current_period_start: DateTime,
    current_period_end: Nullable(DateTime),
    trial_ends_at: Nullable(DateTime),
    cancel_at_period_end: Type.Boolean(),
    canceled_at: Nullable(DateTime),
    dunning_ends_at: Nullable(DateTime),
    ended_at: Nullable(DateTime),
    customer_email: Type.Optional(
      Type.String({ description: 'In lists: the customer, without a call per row' }),
    ),
    customer_company: Type.Optional(Nullable(Type.String())),
    external_ids: Type.Record(Type.String(), Type.Unknown()),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'Subscription' },
);

export const CreateSubscriptionBody = Type.Object(
  {
    customer_id: Type.String({ format: 'uuid' }),
    plan_id: Type.String({ format: 'uuid' }),
    status: Type.Optional(
      Type.Union([Type.Literal('trialing'), Type.Literal('active')], {
        description: 'trialing when trial_ends_at is given (or the plan offers a trial and you ask for one)',
      }),
    ),
    billing_cycle: Type.Optional(CycleSchema),
    price_cents: Type.Optional(PriceCents),
    currency: Type.Optional(Type.String({ pattern: '^[a-z]{3}$' })),
    quantity: Type.Optional(Quantity),
    current_period_start: Type.Optional(DateTime),
    current_period_end: Type.Optional(Nullable(DateTime)),
    trial_ends_at: Type.Optional(Nullable(DateTime)),
    external_ids: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), { maxProperties: 10 }),
    ),
    metadata: Type.Optional(MetadataSchema()),
    issue_license: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          'Issue the license the subscription drives (false: attach licenses with subscription_id)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A new subscription, with the license it issued (its key shown this once). */
export const CreatedSubscriptionSchema = Type.Object(
  {
    ...SubscriptionSchema.properties,
    issued_license: Nullable(Type.Object({ id: Type.String({ format: 'uuid' }), key: Type.String() })),
  },
  { $id: 'CreatedSubscription' },
);

export const UpdateSubscriptionBody = Type.Object(
  {
    plan_id: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Moves the licenses to the plan (and the price, unless given)',
      }),
    ),
    status: Type.Optional(
      Type.String({
        description: 'Not writable: the status changes through the actions (renew, past-due, …)',
      }),
    ),
    billing_cycle: Type.Optional(CycleSchema),
    price_cents: Type.Optional(PriceCents),
    quantity: Type.Optional(Quantity),
    metadata: Type.Optional(MetadataSchema()),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Reason = Type.Optional(Type.String({ maxLength: 500 }));

export const CancelSubscriptionBody = Type.Object(
  { at_period_end: Type.Optional(Type.Boolean({ default: true })), reason: Reason },
  { additionalProperties: false },
);

export const SubscriptionActionBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const ListSubscriptionsQuery = listQuery(['created_at', 'current_period_end', 'status'], {
  status: Type.Optional(StatusSchema),
  customer_id: Type.Optional(Type.String({ format: 'uuid' })),
  plan_id: Type.Optional(Type.String({ format: 'uuid' })),
});

export type SubscriptionStatus = Static<typeof StatusSchema>;
export type CreateSubscriptionInput = Static<typeof CreateSubscriptionBody>;
export type UpdateSubscriptionInput = Static<typeof UpdateSubscriptionBody>;
export type CancelSubscriptionInput = Static<typeof CancelSubscriptionBody>;
export type SubscriptionActionInput = Static<typeof SubscriptionActionBody>;
export type ListSubscriptionsFilters = Static<typeof ListSubscriptionsQuery>;

/** A subscription as stored. */
export interface SubscriptionRow {
  id: string;
  account_id: string;
  customer_id: string;
  plan_id: string;
  status: SubscriptionStatus;
  billing_cycle: Static<typeof CycleSchema>;
  price_cents: number;
  currency: string;
  quantity: number;
  current_period_start: Date;
  current_period_end: Date | null;
  trial_ends_at: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  dunning_ends_at: Date | null;
  ended_at: Date | null;
  external_ids: Record<string, string>;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}
