/**
 * Quota units Keyward has granted to this vendor API and that no request has used yet, per license and
 * feature. With Redis every process draws from one pool, so units reserved by one process are never
 * stranded while another is refused: the vendor's API allows exactly the quota, in total.
 */
export interface UsagePool {
  /** Takes `amount` units if the pool holds that many; false leaves the pool untouched. */
  take(key: string, amount: number): Promise<boolean>;
  /** Adds granted units; they vanish at `expiresAt` (the quota period's end, ms), or never when null. */
  add(key: string, amount: number, expiresAt: number | null): Promise<void>;
}

/** One process's pool (no Redis). Several processes each keep their own units. */
export class MemoryUsagePool implements UsagePool {
  private units = new Map<string, { left: number; expiresAt: number | null }>();

  async take(key: string, amount: number): Promise<boolean> {
    const held = this.units.get(key);
    if (!held || (held.expiresAt !== null && held.expiresAt <= Date.now())) {
      this.units.delete(key);
      return false;
    }
    if (held.left < amount) return false;
    held.left -= amount;
    return true;
  }

  async add(key: string, amount: number, expiresAt: number | null): Promise<void> {
    const held = this.units.get(key);
    const live = held && (held.expiresAt === null || held.expiresAt > Date.now());
    if (this.units.size > 100_000 && !held) this.units.clear();
    this.units.set(key, { left: (live ? held.left : 0) + amount, expiresAt });
  }
}

/** The part of an ioredis client the pool uses. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

const TAKE = `
local left = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if left >= n then redis.call('DECRBY', KEYS[1], n) return 1 end
return 0`;

const ADD = `
redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
return 1`;

/**
 * The pool in Redis, shared by every process: each take and add is one Lua script, atomic. When Redis
 * fails, this process falls back to its own pool (units granted meanwhile stay usable here) and warns
 * once per outage.
 */
export class RedisUsagePool implements UsagePool {
  private readonly fallback = new MemoryUsagePool();
  private down = false;

  constructor(
    private readonly redis: RedisEval,
    private readonly warn: (msg: string) => void,
    private readonly prefix = 'kw_enforce_pool:',
  ) {}

  async take(key: string, amount: number): Promise<boolean> {
    if (await this.fallback.take(key, amount)) return true;
    const taken = await this.attempt(() => this.redis.eval(TAKE, 1, this.prefix + key, amount));
    return taken === 1;
  }

  async add(key: string, amount: number, expiresAt: number | null): Promise<void> {
    const done = await this.attempt(() => this.redis.eval(ADD, 1, this.prefix + key, amount, expiresAt ?? 0));
    if (done === undefined) await this.fallback.add(key, amount, expiresAt);
  }

  private async attempt(run: () => Promise<unknown>): Promise<unknown> {
    try {
      const reply = await run();
      if (this.down) this.warn('keyward enforce: the usage pool in Redis answers again');
      this.down = false;
      return reply;
    } catch (err) {
      if (!this.down)
        this.warn(
          `keyward enforce: usage pool in Redis unavailable (${(err as Error).message}); using this process's own`,
        );
      this.down = true;
      return undefined;
    }
  }
}
