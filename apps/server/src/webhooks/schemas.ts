import { type Static, Type } from 'typebox';
import { listQuery } from '../http/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

/** An exact event type (`license.suspended`) or a family (`license.*`). */
const EventTypeFilter = Type.String({ pattern: '^[a-z_]+\\.(\\*|[a-z_]+)$', maxLength: 80 });

export const WebhookEndpointSchema = Type.Object(
  {
    id: Uuid,
    account_id: Uuid,
    url: Type.String(),
    description: Type.String(),
    event_types: Type.Array(Type.String(), { description: 'Empty: every event' }),
    enabled: Type.Boolean(),
    disabled_at: Nullable(DateTime),
    disabled_reason: Nullable(Type.String()),
    failing_since: Nullable(DateTime),
    secret_rotating_until: Nullable(DateTime),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'WebhookEndpoint' },
);

/** An endpoint as created or rotated: the signing secret, shown this once. */
export const WebhookEndpointWithSecretSchema = Type.Object(
  { ...WebhookEndpointSchema.properties, secret: Type.String({ description: 'whsec_…: shown once' }) },
  { $id: 'WebhookEndpointWithSecret' },
);

export const CreateWebhookEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    event_types: Type.Optional(Type.Array(EventTypeFilter, { maxItems: 100, uniqueItems: true })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    event_types: Type.Optional(Type.Array(EventTypeFilter, { maxItems: 100, uniqueItems: true })),
    enabled: Type.Optional(Type.Boolean({ description: 'true re-enables an endpoint that was disabled' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The webhook-id the receiver saw' }),
    endpoint_id: Uuid,
    event_id: Type.String(),
    event_type: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
    attempts: Type.Integer(),
    next_attempt_at: Nullable(DateTime),
    last_attempt_at: Nullable(DateTime),
    response_status: Nullable(Type.Integer()),
    response_ms: Nullable(Type.Integer()),
    response_body: Nullable(Type.String({ description: 'The first 1 KB of the answer' })),
    error: Nullable(Type.String()),
    delivered_at: Nullable(DateTime),
    created_at: DateTime,
  },
  { $id: 'WebhookDelivery' },
);

export const ListDeliveriesQuery = listQuery(['created_at'], {
  status: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  ),
});

export const ListEndpointsQuery = listQuery(['created_at'], {});

export type CreateWebhookEndpointInput = Static<typeof CreateWebhookEndpointBody>;
export type UpdateWebhookEndpointInput = Static<typeof UpdateWebhookEndpointBody>;
export type ListDeliveriesFilters = Static<typeof ListDeliveriesQuery>;
export type ListEndpointsFilters = Static<typeof ListEndpointsQuery>;

export interface WebhookEndpointRow {
  id: string;
  account_id: string;
  url: string;
  description: string;
  event_types: string[];
  enabled: boolean;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookDeliveryRow {
  id: string;
  account_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  response_status: number | null;
  response_ms: number | null;
  response_body: string | null;
  error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}
