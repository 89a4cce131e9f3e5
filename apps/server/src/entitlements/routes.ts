import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import { authorize } from '../auth/permissions.js';
import { errorResponses, IdParams } from '../http/common-schemas.js';
import { clientRateLimit } from '../http/rate-limit.js';
import type { App } from '../http/types.js';
import { CheckBody, CheckResultSchema, StatusQuery, UsageBody } from './schemas.js';
import {
  checkForAccount,
  type EntitlementDeps,
  recordUsage,
  statusForToken,
  usageOfLicense,
} from './service.js';

/** Entitlement checks for vendors' backends, usage recording and the license status for apps. */
export async function entitlementRoutes(app: App, { deps }: { deps: EntitlementDeps }) {
  const { ctx } = deps;
  app.addSchema(CheckResultSchema);

  app.post(
    '/api/v1/entitlements/check',
    {
      schema: {
        tags: ['entitlements'],
        security: [{ bearer: [] }],
        summary: 'Is a feature / tier allowed for a license; optionally consume quota atomically',
        body: CheckBody,
        response: { 200: Type.Ref('EntitlementCheck'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      const p = principalOf(request);
      if (request.body.consume) authorize(p, 'usage:consume');
      return checkForAccount(deps, p.accountId, request.body);
    },
  );

  app.post(
    '/api/v1/licensing/usage',
    {
      schema: {
        tags: ['licensing (client API)'],
        summary: 'Record usage of a metered feature (consumes quota; over quota is allowed: false)',
        body: UsageBody,
        response: { 200: Type.Ref('EntitlementCheck'), ...errorResponses },
      },
      config: clientRateLimit(ctx.config.clientRateLimitPerMinute),
    },
    async (request) => recordUsage(deps, request.body),
  );

  app.get(
    '/api/v1/licenses/:id/usage',
    {
      schema: {
        tags: ['licenses'],
        security: [{ bearer: [] }],
        summary: 'Usage against every limit of a license, with alerts and recommendations',
        params: IdParams,
        response: errorResponses,
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => usageOfLicense(deps, principalOf(request).accountId, request.params.id),
  );

  app.get(
    '/api/v1/licensing/status',
    {
      schema: {
        tags: ['licensing (client API)'],
        summary:
          'License, usage against every limit, alerts and recommendations (token in Authorization or ?token=)',
        querystring: StatusQuery,
      },
    },
    async (request) =>
      statusForToken(deps, request.query.token ?? bearerToken(request.headers.authorization)),
  );
}

function bearerToken(header: string | undefined): string | undefined {
  return header?.toLowerCase().startsWith('bearer ') ? header.slice(7) : undefined;
}
