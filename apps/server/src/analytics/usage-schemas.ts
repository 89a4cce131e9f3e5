import { type Static, Type } from 'typebox';
import { RANGES } from './schemas.js';

const Uuid = Type.String({ format: 'uuid' });

export const UsageQuery = Type.Object(
  {
    range: Type.Union(
      Object.keys(RANGES).map((r) => Type.Literal(r)),
      { default: '30d', description: 'How far back: 24h (hourly series), 7d, 30d or 90d (daily series)' },
    ),
    license_id: Type.Optional(Uuid),
    customer_id: Type.Optional(Uuid),
    plan_id: Type.Optional(Uuid),
    product_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type UsageFilter = Static<typeof UsageQuery>;

export const USAGE_TABLES = [
  'series',
  'by_plan',
  'features',
  'near_limit',
  'app_versions',
  'platforms',
] as const;
export const UsageCsvQuery = Type.Object(
  {
    ...UsageQuery.properties,
    table: Type.Union(
      USAGE_TABLES.map((t) => Type.Literal(t)),
      { default: 'series' },
    ),
  },
  { additionalProperties: false },
);
export type UsageCsvFilter = Static<typeof UsageCsvQuery>;

const Counts = {
  activations: Type.Integer(),
  validations: Type.Integer(),
  heartbeats: Type.Integer(),
  deactivations: Type.Integer(),
  usage: Type.Integer({ description: 'Quota units consumed through the entitlement API' }),
  failed: Type.Integer({ description: 'Client calls answered with a refusal' }),
};
const Share = Type.Object({ value: Type.String(), devices: Type.Integer() });

export const UsageReportSchema = Type.Object(
  {
    range: Type.String(),
    interval: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
    since: Type.String({ format: 'date-time' }),
    until: Type.String({ format: 'date-time' }),
    totals: Type.Object(Counts),
    active_devices: Type.Integer({
      description: 'Live seats that made any client call (activation, validation, heartbeat) in the range',
    }),
    series: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), ...Counts })),
    peak_hours: Type.Array(
      Type.Object({ hour: Type.Integer({ minimum: 0, maximum: 23 }), calls: Type.Integer() }),
      { description: 'Client calls per hour of the day (UTC) over the range' },
    ),
    by_plan: Type.Array(
      Type.Object({
        plan_id: Uuid,
        code: Type.String(),
        name: Type.String(),
        product_id: Type.Union([Uuid, Type.Null()]),
        licenses: Type.Integer({ description: 'Active licenses' }),
        seats_used: Type.Integer(),
        seats_allowed: Type.Union([Type.Integer(), Type.Null()], {
          description: 'Seats of the licenses with a limit; null when none has one',
        }),
        utilisation: Type.Union([Type.Number(), Type.Null()], {
          description: 'seats used / allowed over the licenses with a limit (0–1, above 1 with overage)',
        }),
        ...Counts,
      }),
    ),
    features: Type.Array(
      Type.Object({ feature: Type.String(), used: Type.Integer(), licenses: Type.Integer() }),
      { description: 'Quota consumed per metered feature in the range (whole UTC days)' },
    ),
    near_limit: Type.Array(
      Type.Object({
        license_id: Uuid,
        key_last4: Type.String(),
        customer_id: Type.Union([Uuid, Type.Null()]),
        plan_code: Type.String(),
        limit: Type.String({ description: '"seats", or the metered feature' }),
        used: Type.Integer(),
        limit_value: Type.Integer(),
        percentage: Type.Number(),
      }),
      { description: 'Active licenses at 80 % of a limit or more (seats; quotas in their current period)' },
    ),
    app_versions: Type.Array(Share, { description: 'Live seats by app version' }),
    platforms: Type.Array(Share, { description: 'Live seats by platform' }),
  },
  { $id: 'UsageReport' },
);
export type UsageReport = Static<typeof UsageReportSchema>;
