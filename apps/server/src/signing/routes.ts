import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { clearTokenSettings, getTokenSettings, setTokenSettings } from './product-tokens.js';
import {
  JwksQuery,
  JwksSchema,
  OverlapQuery,
  RotateBody,
  SigningKeySchema,
  TokenSettingsBody,
  TokenSettingsSchema,
} from './schemas.js';
import { jwks, listSigningKeys, retireSigningKey, rotateSigningKey } from './service.js';

const tags = ['signing keys'];
const security = [{ bearer: [] }];

export async function signingRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(SigningKeySchema);
  app.addSchema(TokenSettingsSchema);
  const TokenSettings = Type.Ref('TokenSettings');
  const tokenSettingsPath = '/api/v1/products/:id/token-settings';

  app.get(
    tokenSettingsPath,
    {
      schema: {
        tags,
        security,
        summary: "How a product's activation tokens are signed (algorithm, issuer, audience)",
        params: IdParams,
        response: { 200: TokenSettings, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getTokenSettings(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.put(
    tokenSettingsPath,
    {
      schema: {
        tags,
        security,
        summary: "Sign a product's activation tokens with its own key, algorithm, issuer and audience",
        params: IdParams,
        body: TokenSettingsBody,
        response: { 200: TokenSettings, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'signing_keys:write'),
    },
    async (request) => {
      const p = principalOf(request);
      return setTokenSettings(request.ctx, p.accountId, request.params.id, request.body, {
        type: p.actorType,
        id: p.actorId,
      });
    },
  );

  app.delete(
    tokenSettingsPath,
    {
      schema: {
        tags,
        security,
        summary: "Back to the account's key and this server's issuer and audience",
        params: IdParams,
        querystring: OverlapQuery,
        response: { 200: TokenSettings, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'signing_keys:write'),
    },
    async (request) => {
      const p = principalOf(request);
      return clearTokenSettings(request.ctx, p.accountId, request.params.id, request.query.overlap_hours, {
        type: p.actorType,
        id: p.actorId,
      });
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags,
        summary: "An account's public keys that verify its activation tokens and license files",
        querystring: JwksQuery,
        response: { 200: JwksSchema },
      },
      config: { rateLimit: false },
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'public, max-age=300')
        .send(await jwks(request.ctx, request.query.account)),
  );

  app.get(
    '/api/v1/signing-keys',
    {
      schema: {
        tags,
        security,
        summary: 'List the account signing keys (public parts only)',
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('SigningKey')) }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => ({ data: await listSigningKeys(request.ctx, principalOf(request).accountId) }),
  );

  app.post(
    '/api/v1/signing-keys/rotate',
    {
      schema: {
        tags,
        security,
        summary: 'New active key; the old one verifies during the overlap',
        body: Type.Optional(RotateBody),
        response: { 201: Type.Ref('SigningKey'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'signing_keys:write'),
    },
    async (request, reply) => {
      const p = principalOf(request);
      const row = await rotateSigningKey(
        request.ctx,
        p.accountId,
        { alg: request.body?.alg, overlapHours: request.body?.overlap_hours },
        { type: p.actorType, id: p.actorId },
      );
      return reply.status(201).send(row);
    },
  );

  app.post(
    '/api/v1/signing-keys/:id/retire',
    {
      schema: {
        tags,
        security,
        summary: 'Retire a superseded key now',
        params: IdParams,
        response: { 200: Type.Ref('SigningKey'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'signing_keys:write'),
    },
    async (request) => {
      const p = principalOf(request);
      return retireSigningKey(request.ctx, p.accountId, request.params.id, {
        type: p.actorType,
        id: p.actorId,
      });
    },
  );
}
