import { type Static, Type } from 'typebox';
import {
  DEVICE_MATCHING,
  DEVICE_UNIQUENESS,
  EXPIRATION_BASES,
  EXPIRATION_STRATEGIES,
  OVERAGES,
  RENEWAL_BASES,
  SEAT_UNITS,
  TRANSFER_STRATEGIES,
} from './policy.js';

const oneOf = (values: readonly string[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

/** Every policy field, each optional: a plan's or a license's overrides of its type's defaults. */
export const PolicyOverridesSchema = Type.Object(
  {
    expiration_basis: Type.Optional(oneOf(EXPIRATION_BASES, 'When the term starts counting')),
    expiration_strategy: Type.Optional(
      oneOf(EXPIRATION_STRATEGIES, 'What expiry does after the grace period'),
    ),
    renewal_basis: Type.Optional(oneOf(RENEWAL_BASES, "Where a renewal's new term starts")),
    seat_unit: Type.Optional(oneOf(SEAT_UNITS, 'What one seat is')),
    overage: Type.Optional(oneOf(OVERAGES, 'How far past the seat limit the license may go, with a warning')),
    lease_minutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_080,
        description: 'A floating lease lasts this long after its last heartbeat',
      }),
    ),
    lease_revival_minutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10_080,
        description: 'A released lease may be taken back within this window',
      }),
    ),
    devices_per_user: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    heartbeat_required: Type.Optional(Type.Boolean()),
    heartbeat_interval_seconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 604_800 })),
    check_in_days: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
        description: 'Stop validating on a device not seen for this many days; null: never',
      }),
    ),
    device_matching: Type.Optional(oneOf(DEVICE_MATCHING, 'How a device is recognised again')),
    components_required: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    device_uniqueness: Type.Optional(oneOf(DEVICE_UNIQUENESS, 'Where a device may hold only one seat')),
    transfer_strategy: Type.Optional(oneOf(TRANSFER_STRATEGIES, 'What a transfer does to the expiry')),
    token_ttl_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: 'Activation token lifetime: the longest offline run',
      }),
    ),
    sharing_max_countries: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 250 }), Type.Null()], {
        description:
          'Key sharing: the most distinct countries one key may be used from per window (default 3); null: not checked',
      }),
    ),
    sharing_max_ips: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.Null()], {
        description:
          'Key sharing: the most distinct IP addresses one key may be used from per window; null (default): not checked',
      }),
    ),
    sharing_window_hours: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 720,
        description: 'Key sharing: the window places are counted in, in hours (default 24), aligned to UTC',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PolicyOverridesInput = Static<typeof PolicyOverridesSchema>;

/** The effective policy, every field present (answers). */
export const PolicySchema = Type.Required(PolicyOverridesSchema);
