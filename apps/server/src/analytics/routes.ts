import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { revenueRoutes } from './revenue-routes.js';
import { SeriesQuery } from './schemas.js';
import { overview, series } from './service.js';
import { usageRoutes } from './usage-routes.js';

/** Numbers for the dashboard overview and its charts; revenue and usage analytics in their own routes. */
export async function analyticsRoutes(app: App, { ctx }: { ctx: AppContext }) {
  await revenueRoutes(app, { ctx });
  await usageRoutes(app, { ctx });
  app.get(
    '/api/v1/analytics/overview',
    {
      schema: {
        tags: ['analytics'],
        security: [{ bearer: [] }],
        summary: 'Dashboard overview: licenses, devices, tiers, MRR, expiring, recent activations, alerts',
        response: errorResponses,
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => overview(request.ctx, principalOf(request).accountId),
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
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => series(request.ctx, principalOf(request).accountId, request.query),
  );
}
