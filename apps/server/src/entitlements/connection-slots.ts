import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Counts a license's live real-time connections against `max_concurrent_connections`. With Redis the
 * count is shared by every server process (a sorted set per license, scored by last heartbeat, so a
 * crashed process's sockets age out); without Redis there is one process and a local count is exact.
 */
export interface ConnectionSlots {
  /** Takes a slot when fewer than `max` are held; returns its id, or null when full. */
  acquire(licenseId: string, max: number | null): Promise<string | null>;
  /** Keeps a held slot alive (called with the socket's ping). */
  refresh(licenseId: string, slot: string): Promise<void>;
  release(licenseId: string, slot: string): Promise<void>;
}

/** A slot not refreshed for this long belongs to a dead process. */
export const SLOT_STALE_MS = 90_000;

export class LocalSlots implements ConnectionSlots {
  private readonly held = new Map<string, Set<string>>();

  async acquire(licenseId: string, max: number | null) {
    const set = this.held.get(licenseId) ?? new Set<string>();
    if (max !== null && set.size >= max) return null;
    const slot = randomUUID();
    set.add(slot);
    this.held.set(licenseId, set);
    return slot;
  }
  async refresh() {}
  async release(licenseId: string, slot: string) {
    const set = this.held.get(licenseId);
    set?.delete(slot);
    if (set?.size === 0) this.held.delete(licenseId);
  }
}

// Drop stale slots, then add this one only if the count is below the limit — atomically.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local max = tonumber(ARGV[4])
if max >= 0 and redis.call('ZCARD', KEYS[1]) >= max then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return 1`;

export class RedisSlots implements ConnectionSlots {
  constructor(
    private readonly redis: Redis,
    private readonly fallback: ConnectionSlots,
    private readonly warn: (message: string) => void,
  ) {}

  private key(licenseId: string) {
    return `kw:ws:${licenseId}`;
  }

  async acquire(licenseId: string, max: number | null) {
    const slot = randomUUID();
    try {
      const ok = await this.redis.eval(
        ACQUIRE,
        1,
        this.key(licenseId),
        Date.now(),
        SLOT_STALE_MS,
        slot,
        max ?? -1,
      );
      return ok === 1 ? slot : null;
    } catch (err) {
      // Redis down: count in this process rather than refuse every app (logged, so it is visible).
      this.warn(`redis unavailable for connection limits, counting per process: ${(err as Error).message}`);
      return this.fallback.acquire(licenseId, max);
    }
  }

  async refresh(licenseId: string, slot: string) {
    await this.redis.zadd(this.key(licenseId), 'XX', Date.now(), slot).catch(() => undefined);
  }

  async release(licenseId: string, slot: string) {
    await this.redis.zrem(this.key(licenseId), slot).catch(() => undefined);
    await this.fallback.release(licenseId, slot);
  }
}
