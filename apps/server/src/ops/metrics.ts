import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus registry of one app instance (not global, so tests can build several apps). */
export function installMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keyward_' });
  const duration = new Histogram({
    name: 'keyward_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'keyward_http_errors_total',
    help: 'Error responses by code',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // Label children are cached per method/route/status: resolving labels on every request was measurable.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  app.addHook('onResponse', (request, reply, done) => {
    const key = `${request.method} ${request.routeOptions.url ?? 'unmatched'} ${reply.statusCode}`;
    let child = children.get(key);
    if (!child) {
      child = duration.labels(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        String(reply.statusCode),
      );
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) errors.inc({ status: reply.statusCode });
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}
