import { type Static, Type } from 'typebox';

// The activation row's schema (Activation) and its list query live in licenses/schemas.ts beside the
// license they belong to; these are the seat actions' and the block list's.

export const ReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

/** A blocked device as the API shows it (the fingerprint only as "has one"). */
export const DeviceBlockSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    device_id: Type.Union([Type.String(), Type.Null()]),
    has_fingerprint: Type.Boolean(),
    reason: Type.String(),
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'DeviceBlock' },
);

export const CreateDeviceBlockBody = Type.Object(
  {
    device_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    device_fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type CreateDeviceBlock = Static<typeof CreateDeviceBlockBody>;

export const DeviceBlockListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);
