import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import { errorResponses, IdParams } from '../http/common-schemas.js';
import { requestFacts } from '../http/request-facts.js';
import type { App } from '../http/types.js';
import { issueEmergencyCode, listEmergencyCodes } from './emergency-codes.js';
import { activateOffline, type OfflineDeps } from './license-files.js';
import {
  EmergencyCodeBody,
  EmergencyCodeListItem,
  EmergencyCodeResponse,
  LicenseFileResponse,
  OfflineActivateBody,
} from './schemas.js';

const tags = ['offline licensing'];
const security = [{ bearer: [] }];

/** Staff routes: submit a customer's offline request, issue and list emergency codes. */
export async function offlineStaffRoutes(app: App, { deps }: { deps: OfflineDeps }) {
  const { ctx } = deps;
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
      preValidation: requireAction(ctx, 'offline:write'),
    },
    async (request) => {
      const p = principalOf(request);
      return activateOffline(
        deps,
        request.body,
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
      preValidation: requireAction(ctx, 'emergency_codes:write'),
    },
    async (request, reply) =>
      reply.code(201).send(
        await issueEmergencyCode(request.ctx, principalOf(request), request.params.id, request.body?.reason, {
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
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => ({
      data: await listEmergencyCodes(request.ctx, principalOf(request).accountId, request.params.id),
    }),
  );
}
