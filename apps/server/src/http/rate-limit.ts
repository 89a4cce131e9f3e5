import { hash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from '../core/errors.js';

/**
 * A route's own limit (`config: { rateLimit: … }`), or `false` for none. Without one a route counts per
 * caller: per credential (the Bearer API key or session) when it sends one, else per IP.
 */
export interface RouteRateLimit {
  max: number;
  timeWindow: number;
  /**
   * `device`: the client API, counted per license key or token and device, read from the parsed body,
   * so a thousand devices behind one NAT each have their own count.
   */
  by?: 'device';
  /**
   * The route takes a license key: an unknown key counts as a guess against the caller's IP, and an IP
   * past `keyGuessesPerMinute` is refused on every such route until the window ends.
   */
  keyGuesses?: boolean;
}

/** A client-API route's limit: `max` a minute per license key or token and device. */
export function clientRateLimit(max: number, takesLicenseKey = false): { rateLimit: RouteRateLimit } {
  return { rateLimit: { max, timeWindow: 60_000, by: 'device', keyGuesses: takesLicenseKey } };
}

interface Hit {
  count: number;
  resetInMs: number;
}

/** Requests per key in fixed windows that start at the key's first request. */
interface WindowCounter {
  hit(key: string, windowMs: number): Hit | Promise<Hit>;
  /** The count so far, without adding to it. */
  peek(key: string): Hit | Promise<Hit>;
}

/** Beyond this many callers in one window the table is cleared rather than grown without bound. */
const MAX_KEYS = 500_000;

class MemoryWindows implements WindowCounter {
  private windows = new Map<string, { count: number; resetAt: number }>();
  private sweepAt = 0;

  hit(key: string, windowMs: number): Hit {
    const now = Date.now();
    if (now >= this.sweepAt) this.sweep(now, windowMs);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= MAX_KEYS) this.windows.clear();
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetInMs: w.resetAt - now };
  }

  peek(key: string): Hit {
    const now = Date.now();
    const w = this.windows.get(key);
    return w && w.resetAt > now ? { count: w.count, resetInMs: w.resetAt - now } : { count: 0, resetInMs: 0 };
  }

  private sweep(now: number, windowMs: number) {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    this.sweepAt = now + windowMs;
  }
}

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/** Shared by every process on the Redis server, so a limit holds across processes. */
class RedisWindows implements WindowCounter {
  constructor(private readonly redis: Redis) {}

  async hit(key: string, windowMs: number): Promise<Hit> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `kw_rl:${key}`, windowMs)) as [number, number];
    return { count, resetInMs: ttl > 0 ? ttl : windowMs };
  }

  async peek(key: string): Promise<Hit> {
    const [count, ttl] = await Promise.all([this.redis.get(`kw_rl:${key}`), this.redis.pttl(`kw_rl:${key}`)]);
    return { count: Number(count ?? 0), resetInMs: ttl > 0 ? ttl : 0 };
  }
}

/** The caller's key: its address, IPv6 addresses by their /64 (one host usually holds a whole /64). */
function callerKey(ip: string): string {
  return isIPv6(ip) ? normalizeIP(ip, 64) : ip;
}

/**
 * A bucket's stored name for a secret (a credential, a license key): 22 characters of its SHA-256. The
 * one-shot `hash` costs a third of `createHash` per call, which showed on every client-API request.
 */
const bucketDigest = (secret: string) => hash('sha256', secret, 'base64url').slice(0, 22);

/** Who a request is counted as: its credential when it sends one (hashed: the bucket key is stored), else its IP. */
function callerOf(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (auth) return `cred:${bucketDigest(auth)}`;
  return `ip:${callerKey(request.ip)}`;
}

/** The client API's caller: the license key or token it names, and its device. */
function deviceOf(request: FastifyRequest): string {
  const b = (request.body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const device = str(b.device_id) || str(b.device_fingerprint);
  // A token's last characters are its signature's: unique per token (a device keeps its token), and no
  // secret, so the bucket is named by them as they are. Hashing them cost a validation ~6 µs of the
  // server's CPU (performance.md, issue H 2026-12-06); a license key is a secret and is hashed.
  if (typeof b.token === 'string' && b.token !== '') return `tok:${b.token.slice(-22)}:${device}`;
  const license = str(b.license_key).toUpperCase().replace(/[\s-]/g, '');
  const who = license || device ? `${license}:${device}` : `ip:${callerKey(request.ip)}`;
  return `dev:${bucketDigest(who)}`;
}

/** IETF RateLimit headers on every counted answer: the limit, what is left, seconds to the reset. */
function advertise(reply: FastifyReply, max: number, hit: Hit) {
  reply.header('ratelimit-limit', max);
  reply.header('ratelimit-remaining', Math.max(0, max - hit.count));
  reply.header('ratelimit-reset', Math.max(0, Math.ceil(hit.resetInMs / 1000)));
}

/** Advertises a counted request's bucket and refuses it past `max` (no closure per request). */
function decide(hit: Hit, max: number, reply: FastifyReply, done: (e?: Error) => void) {
  advertise(reply, max, hit);
  done(hit.count > max ? refusal(max, hit) : undefined);
}

/** The 429 for a bucket past `max`; `what` says what was counted. */
function refusal(
  max: number,
  hit: Hit,
  what = `Rate limit of ${max} requests per minute exceeded`,
): AppError {
  const seconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
  return new AppError(
    'RATE_LIMITED',
    `${what}; retry in ${seconds} s`,
    { limit: max, retry_after_seconds: seconds },
    { 'retry-after': String(seconds) },
  );
}

/**
 * Request limits keyed by what the request is, not where it comes from: per credential for staff and
 * server-to-server calls (an API key, a session), per license key or token and device for the client
 * API, per IP only for callers without either and for license-key guessing (unknown keys). Counted in
 * this process's memory, or in Redis when it is configured; while Redis is unreachable requests are
 * served unlimited rather than refused. The hooks are attached to each route as it is registered and,
 * in memory, decide synchronously: `@fastify/rate-limit` (whose IPv6 normalisation this keeps) took
 * ~10 % of a validation with its async hook, promise-wrapped store and LRU.
 */
export function installRateLimit(
  app: FastifyInstance,
  opts: { max: number; timeWindow: number; keyGuesses: number; redis?: Redis | undefined },
) {
  const counter: WindowCounter = opts.redis ? new RedisWindows(opts.redis) : new MemoryWindows();
  /** Counts one request in `key`'s bucket and refuses past `max`; `done` continues the request. */
  const count = (
    key: string,
    max: number,
    windowMs: number,
    reply: FastifyReply,
    done: (e?: Error) => void,
  ) => {
    const hit = counter.hit(key, windowMs);
    if (hit instanceof Promise)
      hit.then(
        (h) => decide(h, max, reply, done),
        () => done(), // Redis unreachable: serve rather than fail every request
      );
    else decide(hit, max, reply, done);
  };
  const guessKey = (request: FastifyRequest) => `guess:${callerKey(request.ip)}`;

  app.addHook('onRoute', (route) => {
    const own = (route.config as { rateLimit?: RouteRateLimit | false } | undefined)?.rateLimit;
    if (own === false) return;
    const limit = own ?? { max: opts.max, timeWindow: opts.timeWindow };
    const add = <K extends 'onRequest' | 'preHandler' | 'onSend'>(hook: K, fn: unknown) => {
      const existing = route[hook] as unknown;
      route[hook] = (existing ? [fn, ...(Array.isArray(existing) ? existing : [existing])] : [fn]) as never;
    };
    if (own?.keyGuesses) {
      // An IP that guessed too many keys is refused before anything else is done.
      add('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (e?: Error) => void) => {
        const decide = (h: Hit) =>
          done(
            h.count >= opts.keyGuesses
              ? refusal(
                  opts.keyGuesses,
                  h,
                  `Too many unknown license keys from this address (${opts.keyGuesses} a minute)`,
                )
              : undefined,
          );
        const seen = counter.peek(guessKey(request));
        if (seen instanceof Promise) seen.then(decide, () => done());
        else decide(seen);
      });
      add('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        const unknownKey =
          reply.statusCode === 404 ||
          (typeof payload === 'string' && payload.includes('"LICENSE_NOT_FOUND"'));
        if (unknownKey)
          await Promise.resolve(counter.hit(guessKey(request), opts.timeWindow)).catch(() => {});
        return payload;
      });
    }
    if (own?.by === 'device')
      add('preHandler', (request: FastifyRequest, reply: FastifyReply, done: (e?: Error) => void) =>
        count(`${route.url}:${deviceOf(request)}`, limit.max, limit.timeWindow, reply, done),
      );
    else
      add('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (e?: Error) => void) =>
        count(
          own ? `${route.url}:${callerOf(request)}` : callerOf(request),
          limit.max,
          limit.timeWindow,
          reply,
          done,
        ),
      );
  });
}
