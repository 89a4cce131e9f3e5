import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import {
  CreateWebhookEndpointBody,
  ListDeliveriesQuery,
  ListEndpointsQuery,
  UpdateWebhookEndpointBody,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from './schemas.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  resendDelivery,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
} from './service.js';

const tags = ['webhooks'];
const security = [{ bearer: [] }];
const Endpoint = Type.Ref('WebhookEndpoint');
const WithSecret = Type.Ref('WebhookEndpointWithSecret');
const Queued = Type.Object({ queued: Type.Boolean() });
const DeliveryParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), delivery_id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
const BASE = '/api/v1/webhook-endpoints';

export async function webhookRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(WebhookEndpointSchema);
  app.addSchema(WebhookEndpointWithSecretSchema);
  app.addSchema(WebhookDeliverySchema);
  const write = requireAction(ctx, 'webhooks:write');
  const read = requireAction(ctx, 'read');

  app.get(
    BASE,
    {
      schema: {
        tags,
        security,
        summary: 'List webhook endpoints',
        querystring: ListEndpointsQuery,
        response: { 200: listOf(Endpoint), ...errorResponses },
      },
      preValidation: read,
    },
    async (request) =>
      page(
        await listEndpoints(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    `${BASE}/:id`,
    {
      schema: {
        tags,
        security,
        summary: 'Get a webhook endpoint',
        params: IdParams,
        response: { 200: Endpoint, ...errorResponses },
      },
      preValidation: read,
    },
    async (request) => getEndpoint(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    BASE,
    {
      schema: {
        tags,
        security,
        summary: 'Create a webhook endpoint (its signing secret is in the answer, this once)',
        body: CreateWebhookEndpointBody,
        response: { 201: WithSecret, ...errorResponses },
      },
      preValidation: write,
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createEndpoint(request.ctx, principalOf(request), request.body, request.ip)),
  );

  app.patch(
    `${BASE}/:id`,
    {
      schema: {
        tags,
        security,
        summary: 'Change a webhook endpoint (enabled: true re-enables a disabled one)',
        params: IdParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: Endpoint, ...errorResponses },
      },
      preValidation: write,
    },
    async (request) =>
      updateEndpoint(request.ctx, principalOf(request), request.params.id, request.body, request.ip),
  );

  app.delete(
    `${BASE}/:id`,
    {
      schema: {
        tags,
        security,
        summary: 'Delete a webhook endpoint and its delivery log',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preValidation: write,
    },
    async (request, reply) => {
      await deleteEndpoint(request.ctx, principalOf(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${BASE}/:id/rotate-secret`,
    {
      schema: {
        tags,
        security,
        summary: 'Issue a new signing secret (shown once); the old one also signs for 24 hours',
        params: IdParams,
        response: { 200: WithSecret, ...errorResponses },
      },
      preValidation: write,
    },
    async (request) => rotateSecret(request.ctx, principalOf(request), request.params.id, request.ip),
  );

  app.post(
    `${BASE}/:id/test`,
    {
      schema: {
        tags,
        security,
        summary: 'Send a webhook_endpoint.test event to this endpoint',
        params: IdParams,
        response: { 202: Queued, ...errorResponses },
      },
      preValidation: write,
    },
    async (request, reply) => {
      await sendTestEvent(request.ctx, principalOf(request), request.params.id, request.ip);
      return reply.status(202).send({ queued: true });
    },
  );

  app.get(
    `${BASE}/:id/deliveries`,
    {
      schema: {
        tags,
        security,
        summary: "The endpoint's delivery log, newest first",
        params: IdParams,
        querystring: ListDeliveriesQuery,
        response: { 200: listOf(Type.Ref('WebhookDelivery')), ...errorResponses },
      },
      preValidation: read,
    },
    async (request) =>
      page(
        await listDeliveries(request.ctx, principalOf(request).accountId, request.params.id, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.post(
    `${BASE}/:id/deliveries/:delivery_id/resend`,
    {
      schema: {
        tags,
        security,
        summary: 'Send a delivery again now (same webhook-id)',
        params: DeliveryParams,
        response: { 202: Queued, ...errorResponses },
      },
      preValidation: write,
    },
    async (request, reply) => {
      await resendDelivery(request.ctx, principalOf(request), request.params.id, request.params.delivery_id);
      return reply.status(202).send({ queued: true });
    },
  );
}
