import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import { AccountSchema } from '../accounts/schemas.js';
import { ApiKeySchema } from '../api-keys/schemas.js';
import { guardedAction } from '../auth/guard.js';
import { permissionsExtension } from '../auth/permissions.js';
import { UserSchema } from '../auth/schemas.js';
import { AppError } from '../core/errors.js';
import { isCustomerRoute } from '../customer-sessions/guard.js';
import { answerUnparsableRequest, installErrorHandling, sendError } from '../http/error-handler.js';
import { ErrorBodySchema } from '../http/error-schema.js';
import { installIdempotency } from '../http/idempotency.js';
import { installJsonBodyParser } from '../http/json-body.js';
import { lazyChildLogger } from '../http/logging.js';
import { installRateLimit } from '../http/rate-limit.js';
import { installRequestContext } from '../http/request-context.js';
import { requestIds } from '../http/request-id.js';
import { RouteMethods } from '../http/route-methods.js';
import { installSecurityHeaders } from '../http/security-headers.js';
import { lazySerializerFactory } from '../http/serialization.js';
import type { App } from '../http/types.js';
import { validatorCompiler } from '../http/validation.js';
import { installBusinessMetrics } from '../ops/business-metrics.js';
import { healthRoutes } from '../ops/health-routes.js';
import { installMetrics } from '../ops/metrics.js';
import { serveWebApps } from '../web/serve.js';
import { webhooksDocument } from '../webhooks/event-types.js';
import { registerModules } from './modules.js';
import type { ProcessParts } from './parts.js';

export interface BuildOptions {
  /** Lets tests mark the process as draining. */
  state?: { shuttingDown: boolean };
  /** Serve the built web apps (off in most tests). */
  web?: boolean;
}

/** Builds the Fastify app with every plugin and route; does not listen. */
export async function buildApp(parts: ProcessParts, opts: BuildOptions = {}): Promise<App> {
  const { ctx } = parts;
  const { config } = ctx;
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: process.env.TRUST_PROXY === 'true' || process.env.TRUST_PROXY === '1',
    genReqId: requestIds(),
    requestIdHeader: false,
    clientErrorHandler: answerUnparsableRequest,
    logController: new LogController({ disableRequestLogging: process.env.KEYWARD_LOG_REQUESTS !== 'true' }),
    childLoggerFactory: lazyChildLogger as never,
    routerOptions: { maxParamLength: 500 },
    // Router-level failures (an over-long path parameter, a malformed URL) use the one error body too.
    frameworkErrors: (error, request, reply) => {
      const code = (error as { code?: string }).code;
      const appError =
        code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('INVALID_FIELD', 'A path parameter is longer than 500 characters', {
              pointer: '/params',
            })
          : new AppError('INVALID_REQUEST', 'The request URL or headers are malformed');
      sendError(request, reply, appError);
    },
    // Every plugin context (even one that adds schemas) validates with our strict compiler.
    schemaController: {
      compilersFactory: {
        buildValidator: (() => validatorCompiler) as never,
        buildSerializer: lazySerializerFactory as never,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Declared up front so every request object has the same shape: assigning it on authentication
  // added a property per request, and the property reads around it turned megamorphic.
  app.decorateRequest('principal', undefined);
  installRequestContext(app, ctx);
  // Authorization as data: each guarded operation says in the OpenAPI document which action it needs.
  app.addHook('onRoute', (route) => {
    const action = guardedAction(route.preValidation);
    if (action) route.schema = { ...route.schema, 'x-keyward-action': action } as typeof route.schema;
    if (isCustomerRoute(route.preValidation))
      route.schema = { ...route.schema, 'x-keyward-customer': true } as typeof route.schema;
  });
  // The guard finds the process's API-key cache here (auth/guard.ts).
  app.decorate('apiKeys', parts.apiKeys);
  // Bodies are JSON only: without this, text/plain is parsed as a string and reported as a schema error.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  const routeMethods = new RouteMethods();
  routeMethods.install(app);
  installErrorHandling(app, routeMethods);
  app.addSchema(ErrorBodySchema);
  app.addSchema(UserSchema);
  app.addSchema(AccountSchema);
  app.addSchema(ApiKeySchema);

  installSecurityHeaders(app);
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      credentials: false,
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    });
  }
  installRateLimit(app, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGuesses: config.keyGuessesPerMinute,
    redis: ctx.redis,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keyward API',
        version: '0.1.0',
        description: 'Licensing, subscriptions and entitlements',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // A customer's portal session (kws_…), from an emailed sign-in link.
          customerSession: { type: 'http', scheme: 'bearer' },
        },
      },
      // Every event type a webhook endpoint may receive, with the envelope and its signature headers.
      webhooks: webhooksDocument() as never,
      ...permissionsExtension(), // the role table, for the dashboard's generated copy
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () =>
    app.swagger(),
  );

  installBusinessMetrics(installMetrics(app, config.metricsToken), ctx, parts.jobs);
  installIdempotency(app, ctx);
  await app.register(healthRoutes, { ctx, state: opts.state ?? { shuttingDown: false } });
  await registerModules(app, parts);
  if (opts.web !== false) await serveWebApps(app);
  return app as unknown as App;
}
