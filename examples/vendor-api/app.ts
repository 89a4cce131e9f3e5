import {
  ConcurrencyLimit,
  Enforcer,
  fastifyGuards,
  fastifyWebhookRoute,
  HourlyQuota,
} from '@keyward/enforce';
import Fastify, { type FastifyRequest } from 'fastify';

export interface VendorApiOptions {
  keywardUrl: string;
  apiKey: string;
  failMode: 'open' | 'closed';
  /** Requests per tenant per hour; shared across processes when `redis` is given, as reserved quota is. */
  requestsPerHour?: number;
  redis?: unknown;
  maxConcurrent?: number;
  /** A Keyward webhook endpoint's secret: license changes then reach this API at once (/keyward/webhooks). */
  webhookSecret?: string;
  /** How long a license decision is cached without a webhook saying it changed (default 1 s). */
  cacheTtlMs?: number;
  logger?: { warn: (msg: string) => void };
}

/** A vendor's API: every route says which license feature or tier it needs. */
export function createVendorApi(o: VendorApiOptions) {
  const app = Fastify();
  const enforcer = new Enforcer({
    baseUrl: o.keywardUrl,
    apiKey: o.apiKey,
    failMode: o.failMode,
    redis: o.redis,
    logger: o.logger,
    ...(o.webhookSecret ? { webhookSecret: o.webhookSecret } : {}),
    ...(o.cacheTtlMs ? { cacheTtlMs: o.cacheTtlMs } : {}),
  });
  if (o.webhookSecret) fastifyWebhookRoute(app, enforcer, '/keyward/webhooks');
  const licenseKey = (req: FastifyRequest) => req.headers['x-license-key'] as string | undefined;
  const guard = fastifyGuards(enforcer, { licenseKey });
  const quota = new HourlyQuota({
    perHour: o.requestsPerHour ?? 1000,
    redis: o.redis,
    failMode: o.failMode,
    logger: o.logger,
  });
  const live = new ConcurrencyLimit(o.maxConcurrent ?? 10);

  app.addHook('preHandler', guard.hourlyQuota(quota));
  app.get('/reports', { preHandler: guard.requireFeature('advanced_reporting') }, async () => ({
    report: 'quarterly',
  }));
  app.get('/sso', { preHandler: guard.requireFeature('sso') }, async () => ({ sso: true }));
  app.get('/analytics', { preHandler: guard.requireTier('enterprise') }, async () => ({ analytics: true }));
  app.post('/exports', { preHandler: guard.trackUsage('exports') }, async () => ({ exported: true }));
  app.get('/slow', { preHandler: guard.concurrency(live) }, async () => {
    await new Promise((r) => setTimeout(r, 200));
    return { done: true };
  });
  return { app, enforcer };
}
