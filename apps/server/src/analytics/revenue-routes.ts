import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses } from '../http/common-schemas.js';
import { csvResponse, sendFile } from '../http/file-reply.js';
import type { App } from '../http/types.js';
import { RevenueCsvQuery, RevenueQuery, RevenueReportSchema } from './revenue-schemas.js';
import { revenueCsv, revenueReport } from './revenue-service.js';

const tags = ['analytics'];
const security = [{ bearer: [] }];

/**
 * Revenue analytics (docs/analytics.md): the report as JSON, and each of its tables as CSV at the same
 * path with `.csv` and `table=`. Read from the daily snapshots; any staff role may read them.
 */
export async function revenueRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(RevenueReportSchema);

  app.get(
    '/api/v1/analytics/revenue',
    {
      schema: {
        tags,
        security,
        summary:
          'Revenue per currency: MRR and ARR series, movements (new, expansion, contraction, churn, reactivation), customer and revenue churn, ARPA, NRR, trial conversion, MRR by plan and billing cycle',
        querystring: RevenueQuery,
        response: { 200: Type.Ref('RevenueReport'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => revenueReport(request.ctx, principalOf(request).accountId, request.query),
  );

  app.get(
    '/api/v1/analytics/revenue.csv',
    {
      schema: {
        tags,
        security,
        summary: 'One table of the revenue report (summary, series, by_plan, by_billing_cycle) as CSV',
        querystring: RevenueCsvQuery,
        response: { 200: csvResponse, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request, reply) =>
      sendFile(
        reply,
        'text/csv; charset=utf-8',
        await revenueCsv(request.ctx, principalOf(request).accountId, request.query),
      ),
  );
}
