import { BusCache } from '../core/bus-cache.js';
import type { AppContext } from '../core/context.js';
import { digestSecret } from '../crypto/master-key.js';
import { type ApiKeyRow, findApiKeyByDigest } from './repository.js';

/** Topic that drops every process's cached API keys (revocation takes effect at once everywhere). */
export const API_KEYS_CHANGED = 'api_keys.changed';

/**
 * API-key rows by presented secret, one cache per process (built by the composition root). Vendors'
 * backends call the entitlement API with an API key on every request, so lookups are kept briefly
 * (10 s) and dropped in every process on any revocation via the bus.
 */
export class ApiKeyCache {
  /** `null` caches "no such key" too, so a flood of wrong keys costs one query per key per TTL. */
  private readonly bySecret: BusCache<string, ApiKeyRow | null>;

  constructor(private readonly ctx: Pick<AppContext, 'bus' | 'clock' | 'db' | 'keyring'>) {
    this.bySecret = new BusCache({
      bus: ctx.bus,
      clock: ctx.clock,
      topic: API_KEYS_CHANGED,
      ttlMs: 10_000,
      max: 10_000,
    });
  }

  close() {
    this.bySecret.close();
  }

  /** The API key row for a presented secret, or null. */
  async lookup(secret: string): Promise<ApiKeyRow | null> {
    const row = await this.bySecret.load(secret, async () => {
      const found = await findApiKeyByDigest(this.ctx.db.sql, digestSecret(this.ctx.keyring, secret));
      return found ?? null;
    });
    return row ?? null;
  }
}
