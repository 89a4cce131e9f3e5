import cluster from 'node:cluster';
import { Type } from 'typebox';
import type { AppContext } from '../core/context.js';
import type { App } from '../http/types.js';

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('shutting_down')]),
  database: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  database_kind: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]),
  version: Type.String(),
  uptime_seconds: Type.Number(),
});

/** Liveness with dependency status (/health) and readiness for load balancers (/ready). */
export async function healthRoutes(
  app: App,
  { ctx, state }: { ctx: AppContext; state: { shuttingDown: boolean } },
) {
  const started = Date.now();
  const report = async () => {
    const up = await ctx.db.ping();
    return {
      status: state.shuttingDown ? ('shutting_down' as const) : up ? ('ok' as const) : ('degraded' as const),
      database: up ? ('up' as const) : ('down' as const),
      database_kind: ctx.db.kind,
      version: '0.1.0',
      uptime_seconds: Math.round((Date.now() - started) / 1000),
    };
  };
  const opts = {
    schema: { tags: ['operations'], response: { 200: HealthSchema, 503: HealthSchema } },
    config: { rateLimit: false as const },
  };
  // Under `serve --workers N`, which worker answered (its pid): for operators and the cluster's tests.
  const worker = cluster.isWorker ? String(process.pid) : undefined;
  app.get('/health', opts, async (_request, reply) => {
    const body = await report();
    if (worker) reply.header('x-keyward-worker', worker);
    return reply.status(body.database === 'up' ? 200 : 503).send(body);
  });
  app.get('/ready', opts, async (_request, reply) => {
    const body = await report();
    if (worker) reply.header('x-keyward-worker', worker);
    return reply.status(body.status === 'ok' ? 200 : 503).send(body);
  });
}
