import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { errorResponses, IdParams } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { findLicense } from '../licenses/repository.js';
import { verifyLicenseToken } from '../signing/service.js';
import { createQuotaCounters } from './quota-counters.js';
import { checkEntitlement, resolveLicense } from './service.js';
import { licenseStatus } from './status.js';

const nullable = (type: string) => Type.Unsafe({ type: [type, 'null'] });
const CheckResultSchema = Type.Object(
  {
    allowed: Type.Boolean(),
    code: Type.String(),
    reason: Type.String(),
    license_id: nullable('string'),
    tier: nullable('string'),
    tier_rank: nullable('integer'),
    feature: nullable('string'),
    limit: nullable('number'),
    used: nullable('number'),
    remaining: nullable('number'),
    reset_at: nullable('string'),
    features: Type.Array(Type.String()),
  },
  { $id: 'EntitlementCheck' },
);
const FeatureId = Type.String({ minLength: 1, maxLength: 100 });
const CheckBody = Type.Object(
  {
    license_key: Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
    token: Type.Optional(Type.String({ minLength: 10, maxLength: 4096 })),
    customer_id: Type.Optional(Type.String({ format: 'uuid' })),
    feature: Type.Optional(FeatureId),
    min_tier: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.String({ minLength: 1, maxLength: 64 })]),
    ),
    consume: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
const UsageBody = Type.Object(
  {
    token: Type.String({ minLength: 10, maxLength: 4096 }),
    feature: FeatureId,
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  },
  { additionalProperties: false },
);
const StatusQuery = Type.Object(
  { token: Type.Optional(Type.String({ minLength: 10, maxLength: 4096 })) },
  { additionalProperties: false },
);

/** Entitlement checks for vendors' backends, usage recording and the license status for apps. */
export async function entitlementRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(CheckResultSchema);
  const counters = createQuotaCounters(ctx);

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
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const license = await resolveLicense(ctx, request.body, accountId);
      return checkEntitlement(ctx, counters, license, request.body);
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
    },
    async (request) => {
      const license = await resolveLicense(ctx, { token: request.body.token });
      return checkEntitlement(ctx, counters, license, {
        feature: request.body.feature,
        consume: request.body.count ?? 1,
      });
    },
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
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const license = await findLicense(ctx.db.sql, principalOf(request).accountId, request.params.id);
      if (!license) throw notFound('License');
      const status = await licenseStatus(ctx, counters, license);
      return {
        usage: status.usage,
        usage_percentage: status.usage_percentage,
        alerts: status.alerts,
        recommendations: status.recommendations,
      };
    },
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
    async (request) => {
      const header = request.headers.authorization;
      const token =
        request.query.token ?? (header?.toLowerCase().startsWith('bearer ') ? header.slice(7) : undefined);
      if (!token)
        throw new AppError('UNAUTHENTICATED', 'Send the activation token as "Authorization: Bearer <token>"');
      const verified = await verifyLicenseToken(ctx, token);
      if (!verified.ok) throw new AppError(verified.code, verified.reason);
      const license = await findLicense(ctx.db.sql, verified.claims.account_id, verified.claims.license_id);
      if (!license) throw new AppError('LICENSE_NOT_FOUND', 'The license of this token no longer exists');
      return licenseStatus(ctx, counters, license);
    },
  );
}
