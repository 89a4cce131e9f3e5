import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../core/errors.js';

const keyOf = (scope: string, ip: string) => `${scope.toLowerCase()}|${ip}`;

/** Login attempts per email and IP per minute; shared through Redis when several processes run. */
export class LoginLimiter {
  private readonly limiter: RateLimiterMemory | RateLimiterRedis;

  constructor(attemptsPerMinute: number, redis?: Redis) {
    const opts = { points: attemptsPerMinute, duration: 60, keyPrefix: 'kw_login' };
    this.limiter = redis
      ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) })
      : new RateLimiterMemory(opts);
  }

  /** Counts one attempt; throws RATE_LIMITED with Retry-After when over the limit. */
  async consume(scope: string, ip: string): Promise<void> {
    try {
      await this.limiter.consume(keyOf(scope, ip));
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `Too many sign-in attempts; try again in ${retryAfter} seconds`,
        { retry_after_seconds: retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  /** A successful sign-in clears its bucket: the limit is on guessing, not on signing in often. */
  async reset(scope: string, ip: string): Promise<void> {
    await this.limiter.delete(keyOf(scope, ip)).catch(() => undefined);
  }
}
