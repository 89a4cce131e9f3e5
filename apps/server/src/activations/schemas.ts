import { type Static, type TSchema, Type } from 'typebox';

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

/** A device detail an app may send beyond the known ones: nested at most three levels, each bounded. */
const Scalar = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]);
const Nested = (inner: TSchema) =>
  Type.Union([
    Scalar,
    Type.Record(Type.String({ maxLength: 64 }), inner, { maxProperties: 20 }),
    Type.Array(inner, { maxItems: 20 }),
  ]);
const DeviceDetail = Nested(Nested(Scalar));

/**
 * What an app says about its device, online (`/activate`) and offline (the activation request) alike.
 * Seed 000 sends `device_info: any`: `os` may be an object (`{ name, version }`), and details beyond the
 * known fields may nest; all of it is bounded (20 keys or items per level, three levels, 30 fields).
 */
export const DeviceInfoSchema = Type.Object(
  {
    device_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    platform: Type.Optional(Type.String({ maxLength: 50 })),
    app_version: Type.Optional(Type.String({ maxLength: 50 })),
    machine_name: Type.Optional(Type.String({ maxLength: 200 })),
    hostname: Type.Optional(Type.String({ maxLength: 253 })),
    os: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 100 }),
        Type.Record(Type.String({ maxLength: 64 }), Scalar, { maxProperties: 20 }),
      ]),
    ),
    os_version: Type.Optional(Type.String({ maxLength: 100 })),
    cpu_cores: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
  },
  // Apps send more device details than these; extras are kept in the seat's metadata (bounded).
  { additionalProperties: DeviceDetail, maxProperties: 30 },
);
