import type { FastifyReply, FastifyRequest } from 'fastify';
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
