// The least a validation can do, for `floor-validate.ts`: a Fastify route with the same validated body
// as the bare route, the same headers as Keyward's API (the OWASP set, a request id, a per-address rate
// limit) and the same answer. It verifies the token's Ed25519 signature once (later requests find it by
// its signature's last 64 characters and compare the whole token, as Keyward's token cache does),
// checks its expiry and device, notes the seat's validation time in a Map, and answers with the
// license's facts as they stand (FLOOR_ANSWER: Keyward's answer for this license, read once). No
// license cache kept true across processes, no policy or outcome chain, no usage batch to PostgreSQL,
// no logging, no metrics.
//
// FLOOR_WITH adds Keyward's own parts to it, one by one, to find what Keyward costs above the floor
// (comma-separated): `logger` (pino with Keyward's options and lazy per-request child), `request-id`
// (a UUID per request), `rate-limit` (Keyward's limiter, its client route limit, instead of the
// floor's), `metrics` (Keyward's metrics hooks), `empty-prehandler` (a preHandler hook doing nothing).
import { createPublicKey, type JsonWebKey, type KeyObject, randomUUID, verify } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import pino from 'pino';
import { lazyChildLogger, loggerOptions } from '../src/http/logging.js';
import { clientRateLimit, installRateLimit } from '../src/http/rate-limit.js';
import { API_HEADERS } from '../src/http/security-headers.js';
import { ValidationResponse } from '../src/licensing/schemas.js';
import { installMetrics } from '../src/ops/metrics.js';
import { VALIDATE_BODY_SCHEMA } from './validate-body.js';

const jwks = JSON.parse(process.env.FLOOR_JWKS!) as { keys: (JsonWebKey & { kid: string })[] };
const keys = new Map<string, KeyObject>(
  jwks.keys.map((k) => [k.kid, createPublicKey({ key: k, format: 'jwk' })]),
);
const {
  valid: _v,
  code: _c,
  validated_at: _at,
  ...facts
} = JSON.parse(process.env.FLOOR_ANSWER!) as Record<string, unknown>;
const RATE_LIMIT = 1_000_000;
const WINDOW_MS = 60_000;

const verified = new Map<
  string,
  { token: string; claims: { exp: number; device_id: string; activation_id: string } }
>();
const lastValidated = new Map<string, number>();
const windows = new Map<string, { count: number; resetAt: number }>();

const withPart = new Set((process.env.FLOOR_WITH ?? '').split(',').filter(Boolean));
const app = Fastify({
  ...(withPart.has('logger')
    ? {
        loggerInstance: pino(loggerOptions('warn') as pino.LoggerOptions),
        logController: new LogController({ disableRequestLogging: true }),
        childLoggerFactory: lazyChildLogger as never,
      }
    : { logger: false }),
  ...(withPart.has('request-id') ? { genReqId: () => randomUUID(), requestIdHeader: false } : {}),
}) as unknown as FastifyInstance;
if (withPart.has('metrics')) installMetrics(app, undefined);
// A hook stage that does nothing: what Fastify's running of a preHandler hook costs by itself.
if (withPart.has('empty-prehandler')) app.addHook('preHandler', (_request, _reply, done) => done());
if (withPart.has('rate-limit'))
  installRateLimit(app, { max: RATE_LIMIT, timeWindow: WINDOW_MS, keyGuesses: RATE_LIMIT });
app.addHook('onRequest', (request, reply, done) => {
  reply.headers(API_HEADERS);
  reply.header('x-request-id', request.id);
  if (withPart.has('rate-limit')) return done();
  const now = Date.now();
  let hit = windows.get(request.ip);
  if (!hit || hit.resetAt <= now) {
    hit = { count: 0, resetAt: now + WINDOW_MS };
    windows.set(request.ip, hit);
  }
  hit.count++;
  reply.header('ratelimit-limit', RATE_LIMIT);
  reply.header('ratelimit-remaining', Math.max(0, RATE_LIMIT - hit.count));
  reply.header('ratelimit-reset', Math.ceil((hit.resetAt - now) / 1000));
  done();
});

const refused = (reason: string) => ({
  valid: false,
  code: 'TOKEN_INVALID' as const,
  reason,
  validated_at: new Date().toISOString(),
});

app.post(
  '/validate',
  {
    schema: {
      body: VALIDATE_BODY_SCHEMA,
      response: { 200: ValidationResponse },
    },
    ...(withPart.has('rate-limit') ? { config: clientRateLimit(RATE_LIMIT) } : {}),
  },
  async (request) => {
    const { token, device_id } = request.body as { token: string; device_id: string };
    let seen = verified.get(token.slice(-64));
    if (!seen || seen.token !== token) {
      const [header, payload, signature] = token.split('.');
      if (!header || !payload || !signature) return refused('The token is not a signed JWT');
      const key = keys.get((JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid);
      if (
        !key ||
        !verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))
      )
        return refused('The token signature does not verify');
      seen = { token, claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) };
      verified.set(token.slice(-64), seen);
    }
    const now = Date.now();
    if (seen.claims.exp * 1000 <= now) return refused('The token has expired');
    if (seen.claims.device_id !== device_id) return refused('The token is for another device');
    lastValidated.set(seen.claims.activation_id, now);
    return { valid: true, code: 'VALID' as const, validated_at: new Date(now).toISOString(), ...facts };
  },
);
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
