import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import type { Keyring } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import type { Bus } from './bus.js';
import type { Clock } from './clock.js';

/**
 * The process's primitives every service may use: configuration, storage, keys, time, logging and the
 * cross-process bus. Built once by the composition root (`app/`); the state that domains keep per
 * process (caches, batchers, counters) is built there too and handed to each module explicitly.
 */
export interface AppContext {
  config: Config;
  db: Database;
  keyring: Keyring;
  clock: Clock;
  log: FastifyBaseLogger;
  bus: Bus;
  /** Shared counters across processes (rate limits, quotas, connection limits) when REDIS_URL is set. */
  redis?: Redis | undefined;
}
