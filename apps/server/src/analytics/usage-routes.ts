import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses } from '../http/common-schemas.js';
import { csvResponse, sendFile } from '../http/file-reply.js';
import type { App } from '../http/types.js';
import { UsageCsvQuery, UsageQuery, UsageReportSchema } from './usage-schemas.js';
import { usageCsv, usageReport } from './usage-service.js';

const tags = ['analytics'];
const security = [{ bearer: [] }];

/** Usage analytics (docs/analytics.md#usage): the report as JSON, each table as CSV at `.csv?table=`. */
export async function usageRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(UsageReportSchema);

  app.get(
    '/api/v1/analytics/usage',
    {
      schema: {
        tags,
        security,
        summary:
          'Usage for 24h/7d/30d/90d, for the account or one license, customer, plan or product: activity series, peak hours, active devices, seat utilisation per plan, quota consumed per feature, licenses near a limit, app versions and platforms',
        querystring: UsageQuery,
        response: { 200: Type.Ref('UsageReport'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => usageReport(request.ctx, principalOf(request).accountId, request.query),
  );

  app.get(
    '/api/v1/analytics/usage.csv',
    {
      schema: {
        tags,
        security,
        summary:
          'One table of the usage report (series, by_plan, features, near_limit, app_versions, platforms) as CSV',
        querystring: UsageCsvQuery,
        response: { 200: csvResponse, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request, reply) =>
      sendFile(
        reply,
        'text/csv; charset=utf-8',
        await usageCsv(request.ctx, principalOf(request).accountId, request.query),
      ),
  );
}
