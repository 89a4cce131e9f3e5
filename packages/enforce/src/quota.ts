import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { type Denial, serviceUnavailable, usageLimitExceeded } from './denials.js';

export interface QuotaOptions {
  /** Requests allowed per tenant per hour. */
  perHour: number;
  /** An ioredis client: shares the quota across processes. Without it the quota is per process. */
  redis?: unknown;
  /** When Redis fails: let requests through ('open') or refuse them ('closed'). */
  failMode: 'open' | 'closed';
  logger?: { warn: (msg: string) => void };
  keyPrefix?: string;
}

/**
 * Hourly request quota per tenant (fixed window). With Redis every process shares one counter.
 *
 * @example
 * const quota = new HourlyQuota({ perHour: 1000, redis: new Redis(), failMode: 'open' });
 * const denial = await quota.consume('tenant-42'); // null, or 429 USAGE_LIMIT_EXCEEDED with Retry-After
 */
export class HourlyQuota {
  private readonly limiter: RateLimiterMemory | RateLimiterRedis;

  constructor(private readonly options: QuotaOptions) {
    const base = {
      points: options.perHour,
      duration: 3600,
      keyPrefix: options.keyPrefix ?? 'kw_enforce_hourly',
    };
    this.limiter = options.redis
      ? new RateLimiterRedis({ ...base, storeClient: options.redis, rejectIfRedisNotReady: true })
      : new RateLimiterMemory(base);
  }

  /**
   * Counts one request for `tenant`. The tenant is often a license key: the counter is filed under its
   * SHA-256 digest, so keys never appear in Redis key names (visible to SCAN, MONITOR, dumps).
   */
  async consume(tenant: string): Promise<Denial | null> {
    try {
      await this.limiter.consume(createHash('sha256').update(tenant).digest('base64url'));
      return null;
    } catch (res) {
      if (res instanceof RateLimiterRes) {
        return usageLimitExceeded(
          'api_requests_per_hour',
          res.consumedPoints,
          this.options.perHour,
          res.msBeforeNext / 1000,
        );
      }
      this.options.logger?.warn(
        `keyward enforce: quota store unavailable (${(res as Error).message}); failing ${this.options.failMode}`,
      );
      return this.options.failMode === 'open' ? null : serviceUnavailable('The quota store');
    }
  }
}

/**
 * Live connections per tenant (per process), for `max_concurrent_connections`. `max` is one number for
 * every tenant, or read per tenant, e.g. from the license:
 * `new ConcurrencyLimit((key) => enforcer.cachedLimit(key, 'max_concurrent_connections') ?? 10)`
 * (null: unlimited).
 */
export class ConcurrencyLimit {
  private live = new Map<string, number>();

  constructor(private readonly max: number | ((tenant: string) => number | null)) {}

  /** Takes a slot; returns a release function, or the denial when the tenant is at its limit. */
  acquire(tenant: string): { release: () => void } | { denial: Denial } {
    const n = this.live.get(tenant) ?? 0;
    const max = typeof this.max === 'number' ? this.max : this.max(tenant);
    if (max !== null && n >= max) return { denial: usageLimitExceeded('concurrent_connections', n, max, 1) };
    this.live.set(tenant, n + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.live.get(tenant) ?? 1) - 1;
        if (left <= 0) this.live.delete(tenant);
        else this.live.set(tenant, left);
      },
    };
  }
}
