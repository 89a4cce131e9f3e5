import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** An event as the audit-log API shows it. */
export const EventSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    actor_type: Type.String(),
    actor_id: Nullable(Type.String()),
    subject_type: Nullable(Type.String()),
    subject_id: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    request_id: Nullable(Type.String()),
    data: Type.Record(Type.String(), Type.Unknown()),
    created_at: Type.String({ format: 'date-time' }),
    sealed: Type.Boolean(),
  },
  { $id: 'Event' },
);

export const EventListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    type: Type.Optional(
      Type.String({ maxLength: 100, description: 'exact type, or a prefix ending in * (license.*)' }),
    ),
    subject_id: Type.Optional(Type.String({ maxLength: 100 })),
    actor_id: Type.Optional(Type.String({ maxLength: 100 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type EventFilter = Static<typeof EventListQuery>;

export const EventIdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9]{1,18}$' }) },
  { additionalProperties: false },
);
