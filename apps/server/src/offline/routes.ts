import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { errorResponses, IdParams } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { findLicense } from '../licenses/repository.js';
import { requestFacts } from '../licensing/facts.js';
import type { ValidationDeps } from '../validation/service.js';
import { issueEmergencyCode, listEmergencyCodes } from './emergency-codes.js';
import { checkIntegrity } from './integrity.js';
import { activateOffline } from './license-files.js';
import { recordReport } from './reports.js';
import {
  EmergencyCodeBody,
  EmergencyCodeListItem,
  EmergencyCodeResponse,
  IntegrityBody,
  IntegrityResponse,
  LicenseFileResponse,
  OfflineActivateBody,
  ReportBody,
  ReportResponse,
} from './schemas.js';

const clientTags = ['licensing (client API)'];

/** Client-API routes for offline apps; registered by the licensing plugin, which owns the validation deps. */
export function offlineClientRoutes(app: App, deps: ValidationDeps, strict: Record<string, unknown>) {
  const { ctx } = deps;
  app.post(
    '/api/v1/licensing/offline/activate',
    {
      schema: {
        tags: clientTags,
        summary: 'Exchange an offline activation request for a signed license file',
        body: OfflineActivateBody,
        response: { 200: LicenseFileResponse, ...errorResponses },
      },
      config: strict,
    },
    async (request) =>
      activateOffline(ctx, request.body as never, {
        ...requestFacts(request),
        requestId: String(request.id),
      }),
  );

  app.post(
    '/api/v1/licensing/integrity-check',
    {
      schema: {
        tags: clientTags,
        summary: 'Is this token or license file genuine, for which license, and still valid?',
        body: IntegrityBody,
        response: { 200: IntegrityResponse, ...errorResponses },
      },
    },
    async (request) => checkIntegrity(deps, request.body as { token?: string; license_file?: string }),
  );

  app.post(
    '/api/v1/licensing/report',
    {
      schema: {
        tags: clientTags,
        summary: 'Report suspicious activity seen by the app (clock tamper, signature failure, …)',
        body: ReportBody,
        response: { 202: ReportResponse, ...errorResponses },
      },
      config: strict,
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await recordReport(ctx, request.body, { ...requestFacts(request), requestId: String(request.id) }),
        ),
  );
}

const tags = ['offline licensing'];
const security = [{ bearer: [] }];

/** Staff routes: submit a customer's offline request, issue and list emergency codes. */
export async function offlineStaffRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.post(
    '/api/v1/offline/activate',
    {
      schema: {
        tags,
        security,
        summary: "Submit a customer's offline activation request; returns the license file",
        body: OfflineActivateBody,
        response: { 200: LicenseFileResponse, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'offline:write'),
    },
    async (request) => {
      const p = principalOf(request);
      return activateOffline(
        ctx,
        request.body as never,
        { ...requestFacts(request), requestId: String(request.id) },
        { accountId: p.accountId, actor: { type: p.actorType, id: p.actorId } },
      );
    },
  );

  app.post(
    '/api/v1/activations/:id/emergency-codes',
    {
      schema: {
        tags,
        security,
        summary: 'Issue a single-use 24 h emergency code for this device',
        params: IdParams,
        body: Type.Optional(EmergencyCodeBody),
        response: { 201: EmergencyCodeResponse, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'emergency_codes:write'),
    },
    async (request, reply) =>
      reply.code(201).send(
        await issueEmergencyCode(ctx, principalOf(request), request.params.id, request.body?.reason, {
          ip: request.ip,
          requestId: String(request.id),
        }),
      ),
  );

  app.get(
    '/api/v1/licenses/:id/emergency-codes',
    {
      schema: {
        tags,
        security,
        summary: "Emergency codes issued for a license's devices (without the codes)",
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(EmergencyCodeListItem) }), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      if (!(await findLicense(ctx.db.sql, accountId, request.params.id))) throw notFound('License');
      return { data: await listEmergencyCodes(ctx, accountId, request.params.id) };
    },
  );
}
