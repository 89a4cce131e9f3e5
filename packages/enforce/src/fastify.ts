import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Denial } from './denials.js';
import type { Enforcer } from './enforcer.js';
import type { ConcurrencyLimit, HourlyQuota } from './quota.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const deny = (reply: FastifyReply, d: Denial) => reply.status(d.status).headers(d.headers).send(d.body);

/**
 * Fastify preHandlers.
 *
 * @example
 * const guard = fastifyGuards(enforcer, { licenseKey: (req) => req.headers['x-license-key'] as string });
 * app.get('/reports', { preHandler: guard.requireFeature('advanced_reporting') }, handler);
 */
export function fastifyGuards(
  enforcer: Enforcer,
  opts: { licenseKey: (request: FastifyRequest) => string | undefined },
) {
  const run =
    (decide: (key: string | undefined) => Promise<Denial | null>): Hook =>
    async (request, reply) => {
      const d = await decide(opts.licenseKey(request));
      if (d) return deny(reply, d);
    };
  return {
    requireFeature: (feature: string) => run((key) => enforcer.requireFeature(key, feature)),
    requireTier: (tier: number | string) => run((key) => enforcer.requireTier(key, tier)),
    trackUsage: (feature: string, amount = 1) => run((key) => enforcer.consume(key, feature, amount)),
    /** One of the license's named limits, counted in Keyward, e.g. licenseLimit('max_api_requests_per_hour'). */
    licenseLimit: (name: string, amount = 1) => run((key) => enforcer.consumeLimit(key, name, amount)),
    /** Hourly request quota per tenant (the license key unless `tenant` says otherwise). */
    hourlyQuota:
      (quota: HourlyQuota, tenant?: (request: FastifyRequest) => string | undefined): Hook =>
      async (request, reply) => {
        const id = tenant?.(request) ?? opts.licenseKey(request);
        if (!id) return;
        const d = await quota.consume(id);
        if (d) return deny(reply, d);
      },
    /** Caps live requests per tenant; the slot is freed when the response ends. */
    concurrency:
      (limit: ConcurrencyLimit): Hook =>
      async (request, reply) => {
        const id = opts.licenseKey(request);
        if (!id) return;
        const slot = limit.acquire(id);
        if ('denial' in slot) return deny(reply, slot.denial);
        reply.raw.once('close', slot.release);
      },
  };
}

/**
 * A route that receives Keyward's webhooks for `enforcer` (its `webhookSecret` must be set): the raw
 * body is verified, and a license's change drops its cached decision at once. Answers 204, or 400 when
 * the signature does not verify. Point a Keyward webhook endpoint (event types `license.*`) at it.
 *
 * @example
 * fastifyWebhookRoute(app, enforcer, '/keyward/webhooks'); // before app.listen
 */
export function fastifyWebhookRoute(
  app: FastifyInstance,
  enforcer: Enforcer,
  path = '/keyward/webhooks',
): void {
  // In a scope of its own: the signature is over the raw body, so this route alone keeps it unparsed.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(path, async (request, reply) => {
      try {
        enforcer.receiveWebhook(request.body as string, request.headers);
      } catch (err) {
        return reply
          .status(400)
          .send({ error: { code: 'WEBHOOK_SIGNATURE_INVALID', message: (err as Error).message } });
      }
      return reply.status(204).send();
    });
  });
}
