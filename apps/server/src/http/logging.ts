import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

/**
 * Query parameters whose values are secrets (WebSocket token, license keys in lookups) or may be: `q`
 * searches licenses by full key and API keys by prefix.
 */
const SECRET_QUERY = /([?&](?:token|license_key|key|access_token|q)=)[^&]*/gi;

/** Object keys whose values are secrets; redacted wherever a log line carries them. */
const SECRET_FIELDS = [
  'password',
  'refresh_token',
  'access_token',
  'token',
  'signed_token',
  'license_key',
  'secret',
];

/** Keeps only the last 4 characters of a secret for correlation. */
export function maskSecret(value: string): string {
  return value.length <= 4 ? '****' : `****${value.slice(-4)}`;
}

const SECRET_SET: ReadonlySet<string> = new Set([
  ...SECRET_FIELDS,
  'authorization',
  'cookie',
  'stripe-signature',
]);

/**
 * Copies a log object with secret fields replaced, three levels deep. Done per log line (rare), not per
 * request: pino's `redact` also runs on every request's child-logger bindings and cost a third of
 * the validation path's throughput.
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 3) return value;
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  // Class instances (requests, responses, errors) go to their serializers untouched.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_SET.has(k.toLowerCase()) ? '[redacted]' : scrubSecrets(v, depth + 1);
  return out;
}

/** pino options: JSON logs, secrets redacted (passwords, tokens, keys are never written in full). */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    formatters: { log: (obj: Record<string, unknown>) => scrubSecrets(obj) as Record<string, unknown> },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: req.url.replace(SECRET_QUERY, '$1[redacted]'),
        ip: req.ip,
      }),
    },
  };
}

type LogArgs = [obj: unknown, msg?: string, ...args: unknown[]];

/**
 * Fastify gives every request a child logger bound to its request id; most requests never log, and
 * making the pino child was a measurable share of a validation. This stands in for it and makes the
 * real child on the first log call.
 */
class LazyRequestLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Record<string, unknown>,
    private readonly options: Record<string, unknown>,
  ) {}

  private get real(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }
  get level() {
    return this.real.level;
  }
  set level(level: string) {
    this.real.level = level;
  }
  fatal(...a: LogArgs) {
    (this.real.fatal as (...x: LogArgs) => void)(...a);
  }
  error(...a: LogArgs) {
    (this.real.error as (...x: LogArgs) => void)(...a);
  }
  warn(...a: LogArgs) {
    (this.real.warn as (...x: LogArgs) => void)(...a);
  }
  info(...a: LogArgs) {
    (this.real.info as (...x: LogArgs) => void)(...a);
  }
  debug(...a: LogArgs) {
    (this.real.debug as (...x: LogArgs) => void)(...a);
  }
  trace(...a: LogArgs) {
    (this.real.trace as (...x: LogArgs) => void)(...a);
  }
  silent() {}
  child(bindings: Record<string, unknown>, options?: Record<string, unknown>) {
    return this.real.child(bindings, options);
  }
}

/** Fastify `childLoggerFactory`: the request logger is made when first used. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Record<string, unknown>,
  options: Record<string, unknown>,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
