import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import type { Keyring } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import type { Bus } from './bus.js';

/** The injectable clock: domain rules take `now` from here so expiry and grace are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything a service needs, built once at start and passed down (no module-level singletons). */
export interface AppContext {
  config: Config;
  db: Database;
  keyring: Keyring;
  clock: Clock;
  log: FastifyBaseLogger;
  bus: Bus;
  /** Shared counters across processes (rate limits, connection limits) when REDIS_URL is set. */
  redis?: Redis | undefined;
  /** Hooks run on graceful shutdown, after the HTTP server stops accepting (e.g. flush batched writes). */
  onShutdown: Array<() => Promise<void>>;
}
