import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import type { Redis } from 'ioredis';
import { ApiKeySchema, apiKeyRoutes } from '../api-keys/routes.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { permissionsExtension } from '../auth/permissions.js';
import { authRoutes } from '../auth/routes.js';
import { UserSchema } from '../auth/schemas.js';
import type { AppContext } from '../core/context.js';
import { healthRoutes } from '../ops/health.js';
import { installMetrics } from '../ops/metrics.js';
import { userRoutes } from '../users/routes.js';
import { serveWebApps } from '../web/serve.js';
import { installErrorHandling, sendError } from './error-handler.js';
import { ErrorBodySchema } from './error-schema.js';
import { AppError } from './errors.js';
import { installIdempotency } from './idempotency.js';
import { lazyChildLogger } from './logging.js';
import { registerModules } from './modules.js';
import { installRateLimit } from './rate-limit.js';
import { installSecurityHeaders } from './security-headers.js';
import { lazySerializerFactory } from './serialization.js';
import type { App } from './types.js';
import { validatorCompiler } from './validation.js';

export interface BuildOptions {
  redis?: Redis | undefined;
  /** Lets tests mark the process as draining. */
  state?: { shuttingDown: boolean };
  /** Serve the built web apps (off in most tests). */
  web?: boolean;
}

/** Builds the Fastify app with every plugin and route; does not listen. */
export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<App> {
  const { config } = ctx;
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: process.env.TRUST_PROXY === 'true' || process.env.TRUST_PROXY === '1',
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
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
  // Bodies are JSON only: without this, text/plain is parsed as a string and reported as a schema error.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  app.addSchema(ErrorBodySchema);
  app.addSchema(UserSchema);
  app.addSchema(ApiKeySchema);

  installSecurityHeaders(app);
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      credentials: false,
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    });
  }
  installRateLimit(app, { max: config.rateLimitPerMinute, timeWindow: 60_000, redis: opts.redis });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keyward API',
        version: '0.1.0',
        description: 'Licensing, subscriptions and entitlements',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
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

  installMetrics(app);
  installIdempotency(app, ctx);
  await app.register(healthRoutes, { ctx, state: opts.state ?? { shuttingDown: false } });
  await app.register(authRoutes, {
    ctx,
    limiter: new LoginLimiter(config.loginAttemptsPerMinute, opts.redis),
  });
  await app.register(userRoutes, { ctx });
  await app.register(apiKeyRoutes, { ctx });
  await registerModules(app, ctx);
  if (opts.web !== false) await serveWebApps(app);
  return app as unknown as App;
}
