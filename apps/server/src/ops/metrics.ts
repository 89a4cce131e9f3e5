import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { AppError } from '../core/errors.js';
import { inWorkerPool, PoolMetrics } from './cluster-metrics.js';
import { RequestDurations } from './request-durations.js';

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Equal in constant time: both sides hashed first, so not even the token's length shows. */
function sameSecret(given: string, expected: string): boolean {
  const hash = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(hash(given), hash(expected));
}

/**
 * The process's metrics name routes, error rates and memory. With METRICS_TOKEN set, every caller
 * sends it (a proxy on this host would make anyone local); without it, the server listens on every
 * interface, so they go to this host only (the socket's address, not a forwarded one).
 */
function refusal(request: FastifyRequest, token: string | undefined): AppError | null {
  if (token)
    return sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)
      ? null
      : new AppError(
          'UNAUTHENTICATED',
          'Send the metrics token as Authorization: Bearer <METRICS_TOKEN>',
          undefined,
          { 'www-authenticate': 'Bearer realm="metrics"' },
        );
  return LOOPBACK.has(request.socket.remoteAddress ?? '')
    ? null
    : new AppError(
        'FORBIDDEN',
        'Metrics are served to this host only; set METRICS_TOKEN and send it as a Bearer token to scrape from elsewhere',
      );
}

/** Prometheus registry of one app instance (not global, so tests can build several apps). */
export function installMetrics(app: FastifyInstance, metricsToken: string | undefined): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keyward_' });
  const pool = inWorkerPool() ? new PoolMetrics(registry) : undefined;
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
    const refused = refusal(request, metricsToken);
    if (refused) throw refused;
    // A worker answers for the whole pool; if the primary is slow to, for itself (said in a header).
    const pooled = pool ? await pool.gather() : null;
    if (pool && pooled === null) reply.header('x-keyward-metrics', 'this-worker-only');
    return reply.type(registry.contentType).send(pooled ?? (await registry.metrics()));
  });
  app.addHook('onClose', async () => pool?.close());
  return registry;
}
