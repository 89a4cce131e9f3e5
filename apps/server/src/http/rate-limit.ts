import { isIPv6 } from 'node:net';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from '../core/errors.js';

/** A route's own limit (`config: { rateLimit: { max, timeWindow } }`), or `false` for none. */
export interface RouteRateLimit {
  max: number;
  timeWindow: number;
  /**
   * Routes naming the same bucket count together (each still refuses past its own `max`): every route
   * that takes a license key shares one, so spreading guesses over routes gains nothing.
   */
  bucket?: string;
}

/** The one bucket of every route that takes a license key (client API and portal). */
export const LICENSE_KEY_BUCKET = 'license-key';

interface Hit {
  count: number;
  resetInMs: number;
}

/** Requests per key in fixed windows that start at the key's first request. */
interface WindowCounter {
  hit(key: string, windowMs: number): Hit | Promise<Hit>;
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
}

/** The caller's key: its address, IPv6 addresses by their /64 (one host usually holds a whole /64). */
function callerKey(ip: string): string {
  return isIPv6(ip) ? normalizeIP(ip, 64) : ip;
}

function refusal(max: number, hit: Hit): AppError {
  const seconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
  return new AppError(
    'RATE_LIMITED',
    `Rate limit of ${max} requests per minute exceeded; retry in ${seconds} s`,
    { limit: max, retry_after_seconds: seconds },
    { 'retry-after': String(seconds) },
  );
}

/**
 * Per-caller request limits: `max` per `timeWindow` for every route, or the route's own
 * `config.rateLimit` (false: none). A route with its own limit counts apart from the global one.
 * Counted in this process's memory, or in Redis when it is configured; while Redis is unreachable
 * requests are served unlimited rather than refused. The hook is attached to each route as it is
 * registered and, in memory, decides synchronously: `@fastify/rate-limit` (whose IPv6 normalisation
 * this keeps) took ~10 % of a validation with its async hook, promise-wrapped store and LRU.
 */
export function installRateLimit(
  app: FastifyInstance,
  opts: { max: number; timeWindow: number; redis?: Redis | undefined },
) {
  const counter: WindowCounter = opts.redis ? new RedisWindows(opts.redis) : new MemoryWindows();
  app.addHook('onRoute', (route) => {
    const own = (route.config as { rateLimit?: RouteRateLimit | false } | undefined)?.rateLimit;
    if (own === false) return;
    const limit = own ?? { max: opts.max, timeWindow: opts.timeWindow };
    const prefix = own ? `${own.bucket ?? `${route.method}:${route.url}`}:` : '';
    const hook: onRequestHookHandler = (request, _reply, done) => {
      const decide = (h: Hit) => done(h.count > limit.max ? (refusal(limit.max, h) as never) : undefined);
      const hit = counter.hit(prefix + callerKey(request.ip), limit.timeWindow);
      if (hit instanceof Promise)
        hit.then(decide, () => done()); // Redis unreachable: serve rather than fail every request
      else decide(hit);
    };
    const existing = route.onRequest;
    route.onRequest = existing ? [hook, ...(Array.isArray(existing) ? existing : [existing])] : [hook];
  });
}
