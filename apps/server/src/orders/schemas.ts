import { type Static, Type } from 'typebox';
import { listQuery, MetadataSchema } from '../http/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Cents = Type.Integer({ minimum: 0, maximum: 2_000_000_000 });

export const ORDER_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'paid',
  'fulfilled',
  'cancelled',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
const Status = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));
const Cycle = Type.Union([Type.Literal('monthly'), Type.Literal('annual'), Type.Literal('one_time')], {
  description:
    'monthly / annual: fulfilment starts a subscription (manual billing) that drives the license; one_time: a license on its own',
});

export const OrderItemSchema = Type.Object(
  {
    id: Uuid,
    position: Type.Integer(),
    plan_id: Uuid,
    billing_cycle: Type.String(),
    quantity: Type.Integer(),
    unit_amount_cents: Type.Integer(),
    amount_cents: Type.Integer(),
    description: Type.String(),
    subscription_id: Nullable(Uuid),
    license_id: Nullable(Uuid),
  },
  { $id: 'OrderItem' },
);

export const OrderSchema = Type.Object(
  {
    id: Uuid,
    account_id: Uuid,
    number: Type.Integer({ description: 'Numbered per account from 1001' }),
    customer_id: Uuid,
    status: Status,
    currency: Type.String({ description: 'ISO 4217, lower case' }),
    subtotal_cents: Type.Integer(),
    discount_cents: Type.Integer(),
    tax_cents: Type.Integer(),
    total_cents: Type.Integer({ description: 'subtotal − discount + tax' }),
    requires_approval: Type.Boolean(),
    payment_provider: Nullable(Type.String()),
    payment_reference: Nullable(Type.String()),
    notes: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    items: Type.Array(Type.Ref('OrderItem')),
    submitted_at: Nullable(DateTime),
    approved_at: Nullable(DateTime),
    paid_at: Nullable(DateTime),
    fulfilled_at: Nullable(DateTime),
    cancelled_at: Nullable(DateTime),
    refunded_at: Nullable(DateTime),
    renews_subscription_id: Nullable(
      Type.String({
        format: 'uuid',
        description: 'A renewal order: paying it renews this (manually billed) subscription',
      }),
    ),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'Order' },
);

export const FulfilledOrderSchema = Type.Object(
  {
    order: Type.Ref('Order'),
    issued_licenses: Type.Array(
      Type.Object({ id: Uuid, key: Type.String({ description: 'Shown this once' }), item_id: Uuid }),
    ),
  },
  { $id: 'FulfilledOrder' },
);

const ItemInput = Type.Object(
  {
    plan_id: Uuid,
    billing_cycle: Cycle,
    quantity: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, description: "Seats: the plan's × quantity (default 1)" }),
    ),
    unit_amount_cents: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2_000_000_000,
        description: "Default: the plan's monthly or yearly price; required for one_time",
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const CreateOrderBody = Type.Object(
  {
    customer_id: Uuid,
    currency: Type.Optional(
      Type.String({ pattern: '^[a-zA-Z]{3}$', description: "Default: the first plan's" }),
    ),
    items: Type.Array(ItemInput, { minItems: 1, maxItems: 50 }),
    discount_cents: Type.Optional(Cents),
    tax_cents: Type.Optional(Cents),
    requires_approval: Type.Optional(
      Type.Boolean({ description: 'Default: whether any plan of it requires approval' }),
    ),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
    metadata: Type.Optional(MetadataSchema),
  },
  { additionalProperties: false },
);

export const UpdateOrderBody = Type.Object(
  {
    items: Type.Optional(Type.Array(ItemInput, { minItems: 1, maxItems: 50 })),
    discount_cents: Type.Optional(Cents),
    tax_cents: Type.Optional(Cents),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
    metadata: Type.Optional(MetadataSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PayOrderBody = Type.Object(
  {
    reference: Type.Optional(
      Type.String({ maxLength: 200, description: 'Bank transfer or invoice reference' }),
    ),
    fulfil: Type.Optional(Type.Boolean({ description: 'Fulfil at once (default true)' })),
  },
  { additionalProperties: false },
);

export const OrderActionBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const ListOrdersQuery = listQuery(['created_at', 'number', 'total_cents', 'status'], {
  status: Type.Optional(Status),
  customer_id: Type.Optional(Uuid),
});

export type CreateOrderInput = Static<typeof CreateOrderBody>;
export type UpdateOrderInput = Static<typeof UpdateOrderBody>;
export type OrderItemInput = Static<typeof ItemInput>;
export type ListOrdersFilters = Static<typeof ListOrdersQuery>;

export interface OrderRow {
  id: string;
  account_id: string;
  number: number;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  subtotal_cents: number;
  discount_cents: number;
  tax_cents: number;
  total_cents: number;
  requires_approval: boolean;
  payment_provider: string | null;
  payment_reference: string | null;
  notes: string;
  metadata: Record<string, unknown>;
  submitted_at: Date | null;
  approved_at: Date | null;
  approved_by: string | null;
  paid_at: Date | null;
  fulfilled_at: Date | null;
  cancelled_at: Date | null;
  refunded_at: Date | null;
  /** A renewal order: the manually billed subscription paying it renews, and the period it follows. */
  renews_subscription_id: string | null;
  renews_period_end: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface OrderItemRow {
  id: string;
  order_id: string;
  position: number;
  plan_id: string;
  billing_cycle: 'monthly' | 'annual' | 'one_time';
  quantity: number;
  unit_amount_cents: number;
  amount_cents: number;
  description: string;
  subscription_id: string | null;
  license_id: string | null;
}
