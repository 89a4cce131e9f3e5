import type { Role } from '../auth/permissions.js';
import type { AppContext } from '../core/context.js';
import { digestSecret } from '../crypto/master-key.js';

export interface ApiKeyRow {
  id: string;
  account_id: string;
  role: Role;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** Topic that drops every process's cached API keys (revocation takes effect at once everywhere). */
export const API_KEYS_CHANGED = 'api_keys.changed';
const TTL_MS = 10_000;
const MAX = 10_000;

interface CacheState {
  byToken: Map<string, { row: ApiKeyRow | null; at: number }>;
}
const states = new WeakMap<AppContext, CacheState>();

function stateOf(ctx: AppContext): CacheState {
  let s = states.get(ctx);
  if (!s) {
    const state: CacheState = { byToken: new Map() };
    ctx.bus.subscribe(API_KEYS_CHANGED, () => state.byToken.clear());
    states.set(ctx, state);
    s = state;
  }
  return s;
}

/**
 * The API key row for a presented secret. Vendors' backends call the entitlement API with an API key on
 * every request, so lookups are cached briefly (10 s) and dropped on any revocation via the bus.
 */
export async function lookupApiKey(ctx: AppContext, secret: string): Promise<ApiKeyRow | null> {
  const state = stateOf(ctx);
  const hit = state.byToken.get(secret);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.row;
  const [row] = await ctx.db.sql<ApiKeyRow[]>`
    select id, account_id, role, expires_at, revoked_at, last_used_at from api_keys
    where secret_digest = ${digestSecret(ctx.keyring, secret)}`;
  if (state.byToken.size >= MAX) state.byToken.clear();
  state.byToken.set(secret, { row: row ?? null, at: Date.now() });
  return row ?? null;
}
