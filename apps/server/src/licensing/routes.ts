import { Type } from 'typebox';
import { activateDevice } from '../activations/service.js';
import type { AppContext } from '../core/context.js';
import type { App } from '../http/types.js';
import { offlineClientRoutes } from '../offline/routes.js';
import { issueActivationToken } from '../signing/activation-token.js';
import { licenseFacts } from '../validation/outcome.js';
import { UsageRecorder } from '../validation/recorder.js';
import {
  deactivateByToken,
  heartbeat,
  refreshToken,
  syncDevice,
  type ValidationDeps,
  validateKey,
  validateToken,
} from '../validation/service.js';
import { SnapshotCache } from '../validation/snapshot-cache.js';
import { requestFacts } from './facts.js';
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
 * The client API licensed apps call (seed 000 contract). Authenticated by the license key or the
 * activation token, never by staff credentials.
 */
export async function licensingRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(ValidationResponse);
  const deps: ValidationDeps = { ctx, cache: new SnapshotCache(ctx), recorder: new UsageRecorder(ctx) };
  deps.recorder.start();
  ctx.onShutdown.push(async () => {
    await deps.recorder.stop();
    deps.cache.close();
  });
  // Key guessing is throttled harder than the global per-IP limit.
  const strict = {
    rateLimit: { max: Math.max(10, Math.floor(ctx.config.rateLimitPerMinute / 2)), timeWindow: 60_000 },
  };

  offlineClientRoutes(app, deps, strict);

  app.post(
    '/api/v1/licensing/activate',
    {
      schema: {
        tags,
        summary: 'Activate a license on a device',
        body: ActivateBody,
        response: { 200: ActivateResponse, ...errors },
      },
      config: strict,
    },
    async (request) => {
      const facts = requestFacts(request);
      const result = await activateDevice(ctx, request.body, { ...facts, requestId: String(request.id) });
      const signed = await issueActivationToken(ctx, result.license, result.activation);
      deps.recorder.record({
        accountId: result.license.account_id,
        licenseId: result.license.id,
        activationId: result.activation.id,
        kind: 'activation',
        success: true,
        code: result.reused ? 'REACTIVATED' : 'ACTIVATED',
        ip: facts.ip,
      });
      return {
        success: true as const,
        activation_id: result.activation.id,
        signed_token: signed.token,
        token_expires_at: signed.expires_at.toISOString(),
        device_id: result.activation.device_id,
        activations_used: result.seatsUsed,
        reused: result.reused,
        ...licenseFacts(result.license, ctx.clock.now()),
      };
    },
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
    },
    async (request) => validateToken(deps, request.body.token, request.body.device_id, requestFacts(request)),
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
      config: strict,
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
    },
    async (request) =>
      deactivateByToken(deps, request.body.token, request.body.device_id, {
        ...requestFacts(request),
        requestId: String(request.id),
      }),
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
    },
    async (request) => syncDevice(deps, request.body, requestFacts(request)),
  );
}
