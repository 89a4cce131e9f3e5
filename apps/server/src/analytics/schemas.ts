import { type Static, Type } from 'typebox';

/** How far back a time series reaches, in days. */
export const RANGES = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export const SeriesQuery = Type.Object(
  {
    metric: Type.Union([
      Type.Literal('activations'),
      Type.Literal('validations'),
      Type.Literal('heartbeats'),
      Type.Literal('usage'),
    ]),
    interval: Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')], {
      default: 'day',
    }),
    range: Type.Union(
      Object.keys(RANGES).map((r) => Type.Literal(r)),
      { default: '30d' },
    ),
  },
  { additionalProperties: false },
);
/** The usage-log kind each metric counts. */
export const KIND = {
  activations: 'activation',
  validations: 'validation',
  heartbeats: 'heartbeat',
  usage: 'usage',
} as const;
export type SeriesFilter = Static<typeof SeriesQuery>;
