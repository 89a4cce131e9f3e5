import { Type } from 'typebox';
import { errorResponses } from '../http/common-schemas.js';
import { clientRateLimit } from '../http/rate-limit.js';
import { requestFacts } from '../http/request-facts.js';
import type { App } from '../http/types.js';
import { checkIntegrity } from '../offline/integrity.js';
import { activateOffline } from '../offline/license-files.js';
import { recordReport } from '../offline/reports.js';
import {
  IntegrityBody,
  IntegrityResponse,
  LicenseFileResponse,
  OfflineActivateBody,
  ReportBody,
  ReportResponse,
} from '../offline/schemas.js';
import {
  ActivateBody,
  ActivateResponse,
  DeactivateResponse,
  HeartbeatBody,
  HeartbeatResponse,
  RefreshResponse,
  SyncBody,
  SyncResponse,
  ValidateBody,
  ValidateKeyBody,
  ValidationResponse,
} from './schemas.js';
import {
  activate,
  deactivateByToken,
  heartbeat,
  type LicensingDeps,
  refreshToken,
  syncDevice,
  validateKey,
  validateToken,
} from './service.js';

const tags = ['licensing (client API)'];
const errors = {
  400: Type.Ref('ErrorBody'),
  403: Type.Ref('ErrorBody'),
  404: Type.Ref('ErrorBody'),
  409: Type.Ref('ErrorBody'),
  422: Type.Ref('ErrorBody'),
  429: Type.Ref('ErrorBody'),
};

/**
 * The client API licensed apps call (seed 000 contract), online and offline. Authenticated by the
 * license key or the activation token, never by staff credentials. Every handler is one call into the
 * licensing service (or the offline one), which returns the whole answer.
 */
export async function licensingRoutes(app: App, { deps }: { deps: LicensingDeps }) {
  app.addSchema(ValidationResponse);
  const { ctx } = deps;
  // Counted per license key or token and device (not per IP: fleets sit behind NATs); unknown keys
  // count as guesses against the caller's IP on the routes that take a key.
  const client = clientRateLimit(ctx.config.clientRateLimitPerMinute);
  const takesKey = clientRateLimit(ctx.config.clientRateLimitPerMinute, true);
  const withRequestId = (request: Parameters<typeof requestFacts>[0]) => ({
    ...requestFacts(request),
    requestId: String(request.id),
  });

  const offlineTags = ['licensing (client API)'];
  app.post(
    '/api/v1/licensing/offline/activate',
    {
      schema: {
        tags: offlineTags,
        summary: 'Exchange an offline activation request for a signed license file',
        body: OfflineActivateBody,
        response: { 200: LicenseFileResponse, ...errorResponses },
      },
      config: takesKey,
    },
    async (request) => activateOffline(deps, request.body, withRequestId(request)),
  );

  app.post(
    '/api/v1/licensing/integrity-check',
    {
      schema: {
        tags: offlineTags,
        summary: 'Is this token or license file genuine, for which license, and still valid?',
        body: IntegrityBody,
        response: { 200: IntegrityResponse, ...errorResponses },
      },
      config: client,
    },
    async (request) => checkIntegrity(deps, request.body),
  );

  app.post(
    '/api/v1/licensing/report',
    {
      schema: {
        tags: offlineTags,
        summary: 'Report suspicious activity seen by the app (clock tamper, signature failure, …)',
        body: ReportBody,
        response: { 202: ReportResponse, ...errorResponses },
      },
      config: takesKey,
    },
    async (request, reply) =>
      reply.code(202).send(await recordReport(ctx, request.body, withRequestId(request))),
  );

  app.post(
    '/api/v1/licensing/activate',
    {
      schema: {
        tags,
        summary: 'Activate a license on a device',
        body: ActivateBody,
        response: { 200: ActivateResponse, ...errors },
      },
      config: takesKey,
    },
    async (request) => activate(deps, request.body, withRequestId(request)),
  );

  app.post(
    '/api/v1/licensing/validate',
    {
      schema: {
        tags,
        summary: 'Validate a token on a device (invalid licenses are 200 outcomes)',
        body: ValidateBody,
        response: { 200: ValidationResponse, ...errors },
      },
      config: client,
    },
    // Not async: a validation answered from the caches is sent without a promise (service.ts).
    (request) => validateToken(deps, request.body.token, request.body.device_id, requestFacts(request)),
  );

  app.post(
    '/api/v1/licensing/validate-key',
    {
      schema: {
        tags,
        summary: 'Validate a license key (apps without a token)',
        body: ValidateKeyBody,
        response: { 200: ValidationResponse, ...errors },
      },
      config: takesKey,
    },
    async (request) => validateKey(deps, request.body, requestFacts(request)),
  );

  app.post(
    '/api/v1/licensing/heartbeat',
    {
      schema: {
        tags,
        summary: 'Keep a seat alive and report usage metrics',
        body: HeartbeatBody,
        response: { 200: HeartbeatResponse, ...errors },
      },
      config: client,
    },
    async (request) =>
      heartbeat(
        deps,
        request.body.token,
        request.body.device_id,
        request.body.metrics,
        requestFacts(request),
      ),
  );

  app.post(
    '/api/v1/licensing/refresh',
    {
      schema: {
        tags,
        summary: 'Get a fresh token for a live seat',
        body: ValidateBody,
        response: { 200: RefreshResponse, 401: Type.Ref('ErrorBody'), ...errors },
      },
      config: client,
    },
    async (request) => refreshToken(deps, request.body.token, request.body.device_id, requestFacts(request)),
  );

  app.post(
    '/api/v1/licensing/deactivate',
    {
      schema: {
        tags,
        summary: "Free this device's seat",
        body: ValidateBody,
        response: { 200: DeactivateResponse, 401: Type.Ref('ErrorBody'), ...errors },
      },
      config: client,
    },
    async (request) =>
      deactivateByToken(deps, request.body.token, request.body.device_id, withRequestId(request)),
  );

  app.post(
    '/api/v1/licensing/sync',
    {
      schema: {
        tags,
        summary: 'Current license state of a device (seed 000 sync)',
        body: SyncBody,
        response: { 200: SyncResponse, ...errors },
      },
      config: client,
    },
    async (request) => syncDevice(deps, request.body, requestFacts(request)),
  );
}
