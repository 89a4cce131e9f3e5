import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { AppError } from '../core/errors.js';
import { RequestDurations } from './request-durations.js';

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The process's metrics name routes, error rates and memory: the server listens on every interface, so
 * they go to this host (the socket's address, not a forwarded one) or to a caller with the token.
 */
function mayScrape(request: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const given = Buffer.from(request.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${token}`);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return LOOPBACK.has(request.socket.remoteAddress ?? '');
}

/** Prometheus registry of one app instance (not global, so tests can build several apps). */
export function installMetrics(app: FastifyInstance, metricsToken: string | undefined): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keyward_' });
  const duration = new RequestDurations(
    'keyward_http_request_duration_seconds',
    'HTTP request duration by route and status',
  );
  // prom-client formats any object with its metric interface; ours keeps the hot path to an array bump.
  registry.registerMetric(duration as never);
  const errors = new Counter({
    name: 'keyward_http_errors_total',
    help: 'Error responses by code',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 400) errors.inc({ status: reply.statusCode });
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
    if (!mayScrape(request, metricsToken))
      throw new AppError(
        'FORBIDDEN',
        'Metrics are served to this host only; set KEYWARD_METRICS_TOKEN and send it as a Bearer token to scrape from elsewhere',
      );
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
