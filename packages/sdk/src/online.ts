import { guardClock } from './clock.js';
import { type ClientContext, DAY_MS } from './context.js';
import { errorForCode, LicenseError, NetworkError, serverDidNotAnswer } from './errors.js';
import { offlineState } from './offline.js';
import { flushReports } from './reports.js';
import type { Stored } from './store.js';
import { decodeTokenClaims } from './token.js';
import type { LicenseState, UsageLine } from './types.js';
import { flushUsage } from './usage.js';
import type { CallAnswer, ValidationAnswer } from './wire.js';

/** The CPU cores the runtime reports (browsers, Electron renderers, Node 21+), for per-core licenses. */
function reportedCores(): number | undefined {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: unknown } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n > 0 ? n : undefined;
}

export interface ActivateOptions {
  /** Named-user licenses: the user (email or id) the vendor's administrator assigned a seat. */
  user?: string;
}

/** Takes a seat with a license key and stores the signed token and the server's public keys. */
export async function activate(
  ctx: ClientContext,
  licenseKey: string,
  opts: ActivateOptions = {},
): Promise<LicenseState> {
  const now = await guardClock(ctx);
  const deviceId = await ctx.deviceId();
  const cores = ctx.opts.deviceInfo?.cpu_cores ?? reportedCores();
  const res = await ctx.post('activate', {
    license_key: licenseKey,
    device_fingerprint: deviceId,
    device_info: { ...ctx.opts.deviceInfo, device_id: deviceId, ...(cores ? { cpu_cores: cores } : {}) },
    ...(opts.user ? { user: opts.user } : {}),
  });
  const account = decodeTokenClaims(res.signed_token).account_id;
  if (ctx.opts.accountId !== undefined && account !== ctx.opts.accountId) {
    // Another vendor's key on a shared server: the seat it took is given back, not left unused.
    await ctx.post('deactivate', { token: res.signed_token, device_id: deviceId }).catch(() => undefined);
    throw new LicenseError(
      'ACCOUNT_MISMATCH',
      "This license key is another account's than the one this app is pinned to",
    );
  }
  const stored: Stored = {
    licenseKey,
    deviceId,
    token: res.signed_token,
    jwks: await ctx.fetchJwks(account ?? ''),
    lastOnlineAt: now.toISOString(),
    online: onlineFacts(res),
    usedEmergencySlots: [],
    pendingReports: [],
  };
  await ctx.store.save(stored);
  ctx.leaseExpiresAt = res.lease_expires_at ? new Date(res.lease_expires_at) : null;
  for (const w of res.warnings ?? []) ctx.emit('license.warning', { code: w.code, message: w.message });
  return ctx.remember(stateFromOnline(stored, now));
}

/** Validates online; a network failure falls back to the offline answer (token, file, emergency). */
export async function validate(ctx: ClientContext): Promise<LicenseState> {
  const s = await ctx.loadActivated();
  const now = await guardClock(ctx);
  if (!s.token) return ctx.remember(await offlineState(ctx, s, now));
  // Told to wait (429 with Retry-After): answer from the cache until then.
  if (s.retryAfter && new Date(s.retryAfter) > now) return ctx.remember(await offlineState(ctx, s, now));
  let res: ValidationAnswer;
  try {
    res = await ctx.post('validate', { token: s.token, device_id: s.deviceId });
  } catch (err) {
    // The server could not answer (unreachable, 5xx, rate limited): that says nothing about the license.
    if (!serverDidNotAnswer(err)) throw err;
    if (!(err instanceof NetworkError)) {
      const seconds = Number(err.details?.retry_after_seconds ?? 5);
      s.retryAfter = new Date(now.getTime() + Math.max(1, seconds) * 1000).toISOString();
      await ctx.store.save(s);
    }
    if (!ctx.wasOffline) ctx.emit('offline', { error: err.message });
    ctx.wasOffline = true;
    return ctx.remember(await offlineState(ctx, s, now));
  }
  if (ctx.wasOffline) {
    ctx.wasOffline = false;
    ctx.emit('online', {});
  }
  if (!res.valid) throw await refused(ctx, s, res, now);
  s.refusal = undefined;
  s.retryAfter = undefined;
  s.lastOnlineAt = now.toISOString();
  s.online = onlineFacts(res);
  s.emergencyUntil = undefined;
  await refreshTokenIfOld(ctx, s, now);
  await ctx.store.save(s);
  await flushReports(ctx, s);
  await flushUsage(ctx, s);
  const state = stateFromOnline(s, now, res);
  ctx.emit('license.updated', { state });
  return ctx.remember(state);
}

/** The event each refusal is announced with, named after what happened. */
const REFUSAL_EVENTS: Record<
  string,
  | 'license.expired'
  | 'license.revoked'
  | 'license.suspended'
  | 'device.blocked'
  | 'lease.lost'
  | 'license.maintenance_expired'
> = {
  LICENSE_EXPIRED: 'license.expired',
  LEASE_EXPIRED: 'lease.lost',
  MAINTENANCE_EXPIRED: 'license.maintenance_expired',
  LICENSE_REVOKED: 'license.revoked',
  LICENSE_SUSPENDED: 'license.suspended',
  DEVICE_BLOCKED: 'device.blocked',
};

/**
 * The server said the license may not be used: the refusal is kept (so the cached token cannot make a
 * revoked or suspended license valid again offline), announced, and returned as the typed error.
 */
export async function refused(
  ctx: ClientContext,
  s: Stored,
  res: { code: string; reason: string },
  now: Date,
): Promise<Error> {
  s.refusal = { code: res.code, reason: res.reason, at: now.toISOString() };
  await ctx.store.save(s);
  ctx.announceRefusal(REFUSAL_EVENTS[res.code] ?? 'license.invalid', { code: res.code, reason: res.reason });
  ctx.lastState = undefined;
  return errorForCode(res.code, res.reason);
}

/** Keeps the cached token fresh: a token close to its end is exchanged while online. */
async function refreshTokenIfOld(ctx: ClientContext, s: Stored, now: Date): Promise<void> {
  if (!s.token) return;
  const exp = (decodeTokenClaims(s.token).exp ?? 0) * 1000;
  if (exp - now.getTime() > 7 * DAY_MS) return;
  const res = await ctx.post('refresh', { token: s.token, device_id: s.deviceId }).catch(() => undefined);
  if (res?.signed_token) s.token = res.signed_token;
}

function onlineFacts(res: CallAnswer<'activate'> | ValidationAnswer): Stored['online'] {
  return {
    tier: res.subscription_tier ?? '',
    features: res.features ?? [],
    expires_at: res.expires_at ?? null,
    grace_period_days: res.grace_period_days ?? 0,
    license_id: res.license_id ?? '',
    activation_id: res.activation_id ?? null,
  };
}

function stateFromOnline(s: Stored, now: Date, res?: ValidationAnswer): LicenseState {
  const o = s.online!;
  const expiresAt = o.expires_at ? new Date(o.expires_at) : null;
  return {
    valid: true,
    source: 'online',
    licenseId: o.license_id,
    activationId: o.activation_id,
    tier: o.tier,
    features: o.features,
    expiresAt,
    daysRemaining:
      res?.days_remaining ??
      (expiresAt ? Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS)) : null),
    inGracePeriod: res?.is_in_grace_period ?? false,
    offlineUntil: null,
    checkedAt: now,
  };
}

/** Frees the seat on the server (when activated online) and forgets the license here. */
export async function deactivate(ctx: ClientContext): Promise<void> {
  const s = await ctx.loadActivated();
  if (s.token) await ctx.post('deactivate', { token: s.token, device_id: s.deviceId });
  ctx.lastState = undefined;
  await ctx.store.save(null);
}

/** Fetches and keeps usage against every limit; a license file has none to fetch. */
export async function refreshUsage(ctx: ClientContext): Promise<UsageLine[]> {
  const s = await ctx.loadActivated();
  if (!s.token) return s.usage ?? [];
  const status = await ctx.get<{ usage: UsageLine[] }>(
    `/api/v1/licensing/status?token=${encodeURIComponent(s.token)}`,
  );
  s.usage = status.usage;
  await ctx.store.save(s);
  return status.usage;
}
