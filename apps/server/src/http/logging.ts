import type { FastifyServerOptions } from 'fastify';

/** Query parameters whose values are secrets (WebSocket token, license keys in lookups). */
const SECRET_QUERY = /([?&](?:token|license_key|key|access_token)=)[^&]*/gi;

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

/** pino options: JSON logs, secrets redacted (passwords, tokens, keys are never written in full). */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["stripe-signature"]',
        // at the top level and up to two objects deep ('*.x' alone misses `log.info({ password })`)
        ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: req.url.replace(SECRET_QUERY, '$1[redacted]'),
        ip: req.ip,
      }),
    },
  };
}
