import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { overviewCounts, timeSeries } from './repository.js';

const RANGES = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
const SeriesQuery = Type.Object(
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
const KIND = {
  activations: 'activation',
  validations: 'validation',
  heartbeats: 'heartbeat',
  usage: 'usage',
} as const;

/** Numbers for the dashboard overview and its charts. */
export async function analyticsRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.get(
    '/api/v1/analytics/overview',
    {
      schema: {
        tags: ['analytics'],
        security: [{ bearer: [] }],
        summary: 'Dashboard overview: licenses, devices, tiers, MRR, expiring, recent activations, alerts',
        response: errorResponses,
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const now = ctx.clock.now();
      const c = await overviewCounts(ctx.db.sql, principalOf(request).accountId, now);
      const licensesByStatus = Object.fromEntries(c.byStatus.map((r) => [r.status, r.n]));
      const mrrByTier = Object.fromEntries(c.mrr.map((r) => [r.code, r.mrr_cents]));
      const alerts = [];
      if (c.expiringCount > 0)
        alerts.push({
          type: 'licenses_expiring',
          severity: 'warning',
          message: `${c.expiringCount} license(s) expire in the next 30 days`,
        });
      return {
        licenses_by_status: licensesByStatus,
        licenses_total: c.byStatus.reduce((s, r) => s + r.n, 0),
        customers: c.customers,
        active_devices_24h: c.devices,
        tier_distribution: c.tiers.map((t) => ({ ...t, mrr_cents: mrrByTier[t.code] ?? 0 })),
        mrr_cents: c.mrr.reduce((s, r) => s + r.mrr_cents, 0),
        expiring_30d: { count: c.expiringCount, licenses: c.expiring },
        recent_activations: c.recent,
        alerts,
        generated_at: now.toISOString(),
      };
    },
  );

  app.get(
    '/api/v1/analytics/timeseries',
    {
      schema: {
        tags: ['analytics'],
        security: [{ bearer: [] }],
        summary: 'Counts per hour/day/week from the usage log',
        querystring: SeriesQuery,
        response: errorResponses,
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { metric, interval, range } = request.query;
      const since = new Date(ctx.clock.now().getTime() - RANGES[range as keyof typeof RANGES] * 86_400_000);
      const rows = await timeSeries(
        ctx.db.sql,
        principalOf(request).accountId,
        KIND[metric],
        interval,
        since,
      );
      return {
        metric,
        interval,
        range,
        points: rows.map((r) => ({ at: r.bucket.toISOString(), total: r.total, failed: r.failed })),
      };
    },
  );
}
