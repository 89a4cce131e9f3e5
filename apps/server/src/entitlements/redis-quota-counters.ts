import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import type { Queryable } from '../db/database.js';
import { PostgresQuotaCounters } from './postgres-quota-counters.js';
import type { Consumption, QuotaCounters, QuotaKey, UsageRow } from './quota-counters.js';
import { UsageWriteBehind } from './usage-write-behind.js';

// cur = max(stored, floor); refuse when cur + amount > limit, else add; store (with expiry) — atomically.
// ARGV: amount, limit (-1 none), floor (-1: the key must exist, else reply NEED_SEED), ttl ms (0 never).
const CONSUME = `
local stored = tonumber(redis.call('GET', KEYS[1]))
local floor = tonumber(ARGV[3])
if stored == nil and floor < 0 then return {-1, 0} end
local cur = math.max(stored or 0, floor)
local amount, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local ok = limit < 0 or cur + amount <= limit
if ok then cur = cur + amount end
if cur ~= stored then
  local ttl = tonumber(ARGV[4])
  if ttl > 0 then redis.call('SET', KEYS[1], cur, 'PX', ttl) else redis.call('SET', KEYS[1], cur) end
end
return {ok and 1 or 0, cur}`;
const NEED_SEED = -1;

/** A period's key outlives the period by this much, for requests in flight and clocks slightly behind. */
const EXPIRY_AFTER_PERIOD_MS = 3_600_000;
/** Past this many keys the seeded set is dropped: re-seeding costs one PostgreSQL read per key. */
const MAX_SEEDED = 100_000;

const redisKey = (k: { licenseId: string; feature: string; periodStart: Date }) =>
  `kw_q:${k.licenseId}:${k.feature}:${k.periodStart.toISOString()}`;

/**
 * Quota counters in Redis, shared by every process: one Lua script per consumption instead of a
 * PostgreSQL row lock, which serialises a hot license's consumers. PostgreSQL stays the durable record,
 * written behind (usage-write-behind.ts).
 *
 * Trade-off: consumptions Redis accepted but not yet flushed (≤ 1 s) are lost if both Redis and the
 * process die within that second; the period then restarts from PostgreSQL's slightly lower count.
 *
 * Seeding: a process passes PostgreSQL's count (plus its own unflushed usage) as the floor the first time
 * it uses a key and after any Redis error, so a fresh or restarted Redis never restarts a period from 0,
 * and usage counted in PostgreSQL during an outage is taken in when Redis is back. A key that vanishes
 * later (expiry, eviction, a restart this process did not see) is reported by the script and re-seeded.
 *
 * Redis unreachable: that call counts in PostgreSQL, exact among the processes that fall back too (a
 * process that still reaches Redis does not see those counts). One warning per outage, one line on return.
 */
export class RedisQuotaCounters implements QuotaCounters {
  private readonly seeded = new Set<string>();
  /** One PostgreSQL read per key however many requests start on it at once. */
  private readonly seeding = new Map<string, Promise<number>>();
  /** Bumped on every Redis error: a reply to a command sent before it must not mark a key seeded. */
  private epoch = 0;
  private down = false;
  private readonly unflushed: UsageWriteBehind;
  private readonly durable: PostgresQuotaCounters;
  private readonly clock: Clock;
  private readonly log: { warn(msg: string): void; info(msg: string): void };

  constructor(
    private readonly redis: Redis,
    deps: { sql: Queryable; clock: Clock; log: { warn(msg: string): void; info(msg: string): void } },
    flushIntervalMs = 1000,
  ) {
    this.clock = deps.clock;
    this.log = deps.log;
    this.unflushed = new UsageWriteBehind(deps.sql, (m) => this.log.warn(m), flushIntervalMs);
    this.durable = new PostgresQuotaCounters(deps.sql, this.unflushed);
  }

  async consume(key: QuotaKey, amount: number, limit: number | null): Promise<Consumption> {
    const rk = redisKey(key);
    const ttl = key.periodEnd
      ? Math.max(60_000, key.periodEnd.getTime() - this.clock.now().getTime() + EXPIRY_AFTER_PERIOD_MS)
      : 0;
    // Loops again only to seed a key that vanished (a floor >= 0 never gets NEED_SEED back) or when
    // Redis failed during the seed read; after three tries PostgreSQL decides.
    for (let tries = 0, seed = !this.seeded.has(rk); tries < 3; tries++, seed = true) {
      const epoch = this.epoch;
      const floor = seed ? await this.seed(rk, key) : -1;
      // Redis failed during the read: the floor may predate usage counted in PostgreSQL since.
      if (epoch !== this.epoch) continue;
      const reply = await this.attempt(
        () => this.redis.eval(CONSUME, 1, rk, amount, limit ?? -1, floor, ttl) as Promise<[number, number]>,
      );
      if (reply === undefined) break;
      const [status, used] = reply;
      if (status === NEED_SEED) continue;
      if (epoch === this.epoch) {
        if (this.seeded.size >= MAX_SEEDED) this.seeded.clear();
        this.seeded.add(rk);
      }
      if (status === 1) this.unflushed.add(key.licenseId, key.feature, key.periodStart, amount);
      return { allowed: status === 1, used };
    }
    return this.durable.consume(key, amount, limit);
  }

  async current(key: QuotaKey) {
    const stored = await this.attempt(() => this.redis.get(redisKey(key)));
    return stored == null ? this.durable.current(key) : Number(stored);
  }

  async usageSummary(licenseId: string, since: Date, live: Array<{ feature: string; periodStart: Date }>) {
    const rows = await this.durable.usageSummary(licenseId, since);
    if (live.length === 0) return rows;
    const values = await this.attempt(() => this.redis.mget(live.map((l) => redisKey({ licenseId, ...l }))));
    live.forEach(({ feature, periodStart }, i) => {
      const value = values?.[i];
      if (value == null) return;
      const row = rows.find(
        (r) => r.feature === feature && r.period_start.getTime() === periodStart.getTime(),
      );
      // max: a Redis that has not yet taken in usage counted in PostgreSQL during an outage lags it.
      if (row) row.count = Math.max(row.count, Number(value));
      else rows.push({ feature, period_start: periodStart, count: Number(value) } satisfies UsageRow);
    });
    return rows;
  }

  /** Writes the unflushed usage now (tests; shutdown goes through close). */
  flush() {
    return this.unflushed.flush();
  }

  async close() {
    await this.unflushed.stop();
  }

  private seed(rk: string, key: QuotaKey): Promise<number> {
    const joined = this.seeding.get(rk);
    if (joined) return joined;
    const read: Promise<number> = this.durable.current(key).finally(() => {
      if (this.seeding.get(rk) === read) this.seeding.delete(rk);
    });
    this.seeding.set(rk, read);
    return read;
  }

  /** Runs a Redis command; undefined when Redis failed (the caller then uses PostgreSQL). */
  private async attempt<T>(command: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await command();
      if (this.down) {
        this.down = false;
        this.log.info('redis is back: quota counting uses Redis again');
      }
      return result;
    } catch (err) {
      this.epoch++;
      this.seeded.clear();
      this.seeding.clear();
      if (!this.down) {
        this.down = true;
        this.log.warn(`redis unavailable: quota counting fell back to PostgreSQL: ${(err as Error).message}`);
      }
      return undefined;
    }
  }
}
