import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { RequestDurations } from './request-durations.js';

/** Prometheus registry of one app instance (not global, so tests can build several apps). */
export function installMetrics(app: FastifyInstance): Registry {
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
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}
