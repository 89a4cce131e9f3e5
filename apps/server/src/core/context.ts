import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { SeatBatcher } from '../activations/seat-batcher.js';
import type { Config } from '../config/config.js';
import type { Keyring } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { LicenseCache } from '../licenses/cache.js';
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
  /** This process's licenses by key digest (activation, entitlement checks). */
  licenses: LicenseCache;
  /** Gathers concurrent activations into one statement and commit per batch. */
  seats: SeatBatcher;
  /** Hooks run on graceful shutdown, after the HTTP server stops accepting (e.g. flush batched writes). */
  onShutdown: Array<() => Promise<void>>;
}

/** What a process provides; `createContext` adds the state built on it. */
export type ContextBase = Omit<AppContext, 'licenses' | 'seats'>;

export function createContext(base: ContextBase): AppContext {
  const licenses = new LicenseCache(base);
  base.onShutdown.push(async () => licenses.close());
  return { ...base, licenses, seats: new SeatBatcher(base.db.sql) };
}
