import { type PublicJwk, randomHex } from './crypto.js';
import { checkEmergencyCode, parseEmergencyCode } from './emergency.js';
import { toBase64, utf8 } from './encoding.js';
import {
  ClockTamperError,
  EmergencyCodeError,
  errorForCode,
  KeywardError,
  LicenseError,
  NetworkError,
  OfflineGraceExpiredError,
  VerificationError,
} from './errors.js';
import { Emitter } from './events.js';
import { fingerprint as hashFingerprint } from './fingerprint.js';
import { type FetchLike, requestJson } from './http.js';
import { CLOCK_SKEW_MS, type VerifiedLicenseFile, verifyLicenseFile } from './license-file.js';
import { type KeywardStorage, MemoryStorage } from './storage.js';
import { decodeTokenClaims, type LicenseTokenClaims, verifyLicenseToken } from './token.js';

const DAY_MS = 86_400_000;
/** Why the server closed the real-time channel (product.md §2.6), as license codes. */
const REALTIME_CLOSE_CODES: Record<number, string> = {
  4002: 'TOKEN_INVALID',
  4003: 'FEATURE_NOT_LICENSED',
  4005: 'USAGE_LIMIT_EXCEEDED',
};
const STATE_KEY = 'state';
const CLOCK_KEY = 'clock';

/** Options of a KeywardClient. Only `serverUrl` is required. */
export interface KeywardClientOptions {
  /** The Keyward server, e.g. `https://licensing.example.com`. */
  serverUrl: string;
  /** Scopes the device fingerprint to your app (default `keyward-app`). */
  appId?: string;
  /** Where state is kept (default: memory; use FileStorage in Node, LocalStorageStorage in browsers). */
  storage?: KeywardStorage;
  /** This device's id: a string, or a function computing it (default: a random id kept in storage). */
  fingerprint?: string | (() => Promise<string>);
  /** Extra device details sent on activation (platform, app_version, hostname …). */
  deviceInfo?: Record<string, string | number | boolean | null>;
  /** How long the app keeps working without reaching the server (default 7 days). */
  offlineGraceDays?: number;
  /** Public keys to verify offline; default: fetched from the server at activation and kept. */
  jwks?: { keys: PublicJwk[] };
  /** Request timeout (default 10 s). */
  timeoutMs?: number;
  /** The clock (tests and simulations). */
  now?: () => Date;
  fetch?: FetchLike;
}

/** A usable license, as last confirmed online or proven offline. */
export interface LicenseState {
  valid: true;
  /** How validity was established: online, offline from the cached token, a license file, or an emergency code. */
  source: 'online' | 'offline' | 'license_file' | 'emergency';
  licenseId: string;
  activationId: string | null;
  tier: string;
  features: string[];
  expiresAt: Date | null;
  daysRemaining: number | null;
  inGracePeriod: boolean;
  /** When working offline: the moment the app stops working unless it reaches the server. */
  offlineUntil: Date | null;
  checkedAt: Date;
}

/** A usage line from the server (`GET /licensing/status`). */
export interface UsageLine {
  name: string;
  used: number;
  limit: number | null;
  percentage: number | null;
  period: string;
  reset_at: string | null;
}

/** What a verified token or license file says about the license, for an offline answer. */
interface SignedFacts {
  licenseId: string;
  activationId: string | null;
  tier: string;
  features: string[];
  expires: string | null;
  graceDays: number;
}

const factsOfFile = (file: VerifiedLicenseFile): SignedFacts => ({
  licenseId: file.license.id,
  activationId: file.device.activation_id,
  tier: file.license.tier,
  features: file.features.map((f) => f.feature_id),
  expires: file.license.expires_at,
  graceDays: file.license.grace_period_days,
});

interface Stored {
  licenseKey: string;
  deviceId: string;
  token?: string;
  licenseFile?: string;
  jwks?: { keys: PublicJwk[] };
  lastOnlineAt?: string;
  online?: {
    tier: string;
    features: string[];
    expires_at: string | null;
    grace_period_days: number;
    license_id: string;
    activation_id: string | null;
  };
  usage?: UsageLine[];
  usedEmergencySlots: number[];
  emergencyUntil?: string;
  pendingReports: Array<{
    kind: string;
    details?: Record<string, string | number | boolean | null>;
    emergency_slot?: number;
  }>;
}

interface ValidationAnswer {
  valid: boolean;
  code: string;
  reason: string;
  license_id?: string;
  activation_id?: string | null;
  subscription_tier?: string;
  expires_at?: string | null;
  features?: string[];
  grace_period_days?: number;
  is_in_grace_period?: boolean;
  days_remaining?: number | null;
}

/**
 * The licensed app's side of Keyward: activate once, validate on start (online, falling back to the
 * cached signed token when the server cannot be reached), keep a heartbeat, gate features.
 *
 * @example
 * const client = new KeywardClient({ serverUrl: 'https://licensing.example.com', appId: 'com.example.editor',
 *   storage: new FileStorage('~/.example/license.json'), fingerprint: () => machineFingerprint('com.example.editor') });
 * if (!(await client.isActivated())) await client.activate(prompt('License key'));
 * const license = await client.validate();
 * if (client.isFeatureEnabled('export_pdf')) enableExport();
 */
export class KeywardClient extends Emitter {
  private readonly base: string;
  private readonly storage: KeywardStorage;
  private readonly fetchImpl: FetchLike;
  private readonly clock: () => Date;
  private readonly timeoutMs: number;
  private readonly offlineGraceMs: number;
  private cached: Stored | null | undefined;
  private lastState: LicenseState | undefined;
  private wasOffline = false;

  constructor(private readonly opts: KeywardClientOptions) {
    super();
    this.base = opts.serverUrl.replace(/\/+$/, '');
    this.storage = opts.storage ?? new MemoryStorage();
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.clock = opts.now ?? (() => new Date());
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.offlineGraceMs = (opts.offlineGraceDays ?? 7) * DAY_MS;
  }

  // ── state ────────────────────────────────────────────────────────────────────────────────────
  private async load(): Promise<Stored | null> {
    if (this.cached !== undefined) return this.cached;
    const raw = await this.storage.get(STATE_KEY);
    this.cached = raw ? (JSON.parse(raw) as Stored) : null;
    return this.cached;
  }

  private async save(s: Stored | null): Promise<void> {
    this.cached = s;
    if (s) await this.storage.set(STATE_KEY, JSON.stringify(s));
    else await this.storage.delete(STATE_KEY);
  }

  private async loadActivated(): Promise<Stored> {
    const s = await this.load();
    if (!s)
      throw new KeywardError(
        'NOT_ACTIVATED',
        'This device is not activated: call activate(licenseKey) or install a license file',
      );
    // State copied to another machine (a cloned disk, a copied config folder) does not license it.
    if ((await this.deviceId()) !== s.deviceId)
      throw new LicenseError(
        'DEVICE_MISMATCH',
        'The stored license belongs to another device; activate this device with its own seat',
      );
    return s;
  }

  /** True when a license key (online) or license file (offline) is installed on this device. */
  async isActivated(): Promise<boolean> {
    return (await this.load()) !== null;
  }

  /** This device's id: the configured fingerprint, or a random id created once and kept in storage. */
  async deviceId(): Promise<string> {
    const f = this.opts.fingerprint;
    if (typeof f === 'string') return f;
    if (f) return f();
    let install = await this.storage.get('install_id');
    if (!install) {
      install = randomHex(16);
      await this.storage.set('install_id', install);
    }
    return hashFingerprint(this.opts.appId ?? 'keyward-app', [install]);
  }

  /**
   * Clock-rollback detection: the latest time seen is persisted; a clock earlier than that (beyond a
   * few minutes) is refused, so setting the date back cannot stretch an offline license.
   */
  private async guardClock(): Promise<Date> {
    const now = this.clock();
    const seen = Number((await this.storage.get(CLOCK_KEY)) ?? 0);
    if (now.getTime() < seen - CLOCK_SKEW_MS) {
      const reason = `This machine's clock (${now.toISOString()}) is behind a time already seen (${new Date(seen).toISOString()})`;
      this.emit('clock.tamper', { reason });
      await this.queueReport({
        kind: 'clock_tamper',
        details: { clock: now.toISOString(), last_seen: new Date(seen).toISOString() },
      });
      throw new ClockTamperError('CLOCK_TAMPER', `${reason}: correct the clock and try again`);
    }
    if (now.getTime() > seen) await this.storage.set(CLOCK_KEY, String(now.getTime()));
    return now;
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return requestJson<T>(this.fetchImpl, `${this.base}/api/v1/licensing/${path}`, {
      body,
      timeoutMs: this.timeoutMs,
    });
  }

  private async fetchJwks(): Promise<{ keys: PublicJwk[] }> {
    if (this.opts.jwks) return this.opts.jwks;
    return requestJson(this.fetchImpl, `${this.base}/.well-known/jwks.json`, { timeoutMs: this.timeoutMs });
  }

  // ── online ───────────────────────────────────────────────────────────────────────────────────
  /**
   * Activates this device with a license key (takes a seat; the same device again gets its seat back).
   * Throws `LicenseError` with the server's code (LICENSE_NOT_FOUND, ACTIVATION_LIMIT_REACHED …).
   *
   * @example
   * const license = await client.activate('KW-ABCD-EFGH-...');
   * console.log(`Activated ${license.tier}`);
   */
  async activate(licenseKey: string): Promise<LicenseState> {
    const now = await this.guardClock();
    const deviceId = await this.deviceId();
    const res = await this.post<
      ValidationAnswer & { signed_token: string; activation_id: string; subscription_tier: string }
    >('activate', {
      license_key: licenseKey,
      device_fingerprint: deviceId,
      device_info: { ...this.opts.deviceInfo, device_id: deviceId },
    });
    const stored: Stored = {
      licenseKey,
      deviceId,
      token: res.signed_token,
      jwks: await this.fetchJwks(),
      lastOnlineAt: now.toISOString(),
      online: this.onlineFacts(res),
      usedEmergencySlots: [],
      pendingReports: [],
    };
    await this.save(stored);
    return this.remember(this.stateFromOnline(stored, now));
  }

  /**
   * Checks the license. Online first; when the server cannot be reached, falls back to the cached
   * signed token (or installed license file) for up to `offlineGraceDays` after the last online check
   * and never past the token's or file's own lifetime. Throws `LicenseError` (suspended, revoked …),
   * `OfflineGraceExpiredError`, `ClockTamperError` or `VerificationError`.
   *
   * @example
   * try { const license = await client.validate(); startApp(license.tier); }
   * catch (err) { if (err instanceof KeywardError) showLicenseDialog(err.message); else throw err; }
   */
  async validate(): Promise<LicenseState> {
    const s = await this.loadActivated();
    const now = await this.guardClock();
    if (!s.token) return this.remember(await this.offlineState(s, now));
    let res: ValidationAnswer;
    try {
      res = await this.post<ValidationAnswer>('validate', { token: s.token, device_id: s.deviceId });
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      if (!this.wasOffline) this.emit('offline', { error: err.message });
      this.wasOffline = true;
      return this.remember(await this.offlineState(s, now));
    }
    if (this.wasOffline) {
      this.wasOffline = false;
      this.emit('online', {});
    }
    if (!res.valid) {
      const event =
        res.code === 'LICENSE_EXPIRED' || res.code === 'LICENSE_REVOKED'
          ? 'license.expired'
          : res.code === 'LICENSE_SUSPENDED'
            ? 'license.suspended'
            : 'license.invalid';
      this.emit(event, { code: res.code, reason: res.reason });
      this.lastState = undefined;
      throw errorForCode(res.code, res.reason);
    }
    s.lastOnlineAt = now.toISOString();
    s.online = this.onlineFacts(res);
    s.emergencyUntil = undefined;
    await this.refreshTokenIfOld(s, now);
    await this.save(s);
    await this.flushReports(s);
    const state = this.stateFromOnline(s, now, res);
    this.emit('license.updated', { state });
    return this.remember(state);
  }

  /** Keeps the cached token fresh: a token close to its end is exchanged while online. */
  private async refreshTokenIfOld(s: Stored, now: Date): Promise<void> {
    if (!s.token) return;
    const exp = (decodeTokenClaims(s.token).exp ?? 0) * 1000;
    if (exp - now.getTime() > 7 * DAY_MS) return;
    const res = await this.post<{ signed_token: string }>('refresh', {
      token: s.token,
      device_id: s.deviceId,
    }).catch(() => undefined);
    if (res?.signed_token) s.token = res.signed_token;
  }

  private onlineFacts(res: ValidationAnswer & { subscription_tier?: string }): Stored['online'] {
    return {
      tier: res.subscription_tier ?? '',
      features: res.features ?? [],
      expires_at: res.expires_at ?? null,
      grace_period_days: res.grace_period_days ?? 0,
      license_id: res.license_id ?? '',
      activation_id: res.activation_id ?? null,
    };
  }

  private stateFromOnline(s: Stored, now: Date, res?: ValidationAnswer): LicenseState {
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
        res?.days_remaining ?? (expiresAt ? Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS) : null),
      inGracePeriod: res?.is_in_grace_period ?? false,
      offlineUntil: null,
      checkedAt: now,
    };
  }

  private remember(state: LicenseState): LicenseState {
    this.lastState = state;
    return state;
  }

  // ── offline ──────────────────────────────────────────────────────────────────────────────────
  private async offlineState(s: Stored, now: Date): Promise<LicenseState> {
    if (!s.jwks)
      throw new VerificationError(
        'KEY_UNKNOWN',
        'No public keys are stored to verify the license offline; go online once',
      );
    const emergencyUntil = s.emergencyUntil ? new Date(s.emergencyUntil) : null;
    const inEmergency = emergencyUntil !== null && emergencyUntil > now;

    if (s.licenseFile) {
      const file = await this.verifyStoredFile(s, inEmergency ? undefined : now);
      const offlineUntil = inEmergency ? emergencyUntil : file.expiresAt;
      return this.licenseStateOf(
        inEmergency ? 'emergency' : 'license_file',
        factsOfFile(file),
        offlineUntil,
        now,
      );
    }

    const graceEnd = new Date(new Date(s.lastOnlineAt ?? 0).getTime() + this.offlineGraceMs);
    let claims: LicenseTokenClaims;
    try {
      // In an emergency the token may have run out: its signature still proves what was licensed.
      const at = inEmergency ? new Date((decodeTokenClaims(s.token!).iat ?? 0) * 1000) : now;
      claims = await verifyLicenseToken(s.token!, { jwks: s.jwks, now: at });
    } catch (err) {
      if (err instanceof VerificationError && err.code === 'TOKEN_EXPIRED')
        throw new OfflineGraceExpiredError(
          'OFFLINE_GRACE_EXPIRED',
          'The cached license token has expired while offline; connect to the internet to continue',
        );
      throw err;
    }
    if (!inEmergency && graceEnd <= now)
      throw new OfflineGraceExpiredError(
        'OFFLINE_GRACE_EXPIRED',
        `The license could not be checked online since ${s.lastOnlineAt}; the offline grace period ended at ${graceEnd.toISOString()}. Connect to the internet, or enter an emergency code from the vendor`,
        { details: { last_online_at: s.lastOnlineAt, grace_ended_at: graceEnd.toISOString() } },
      );
    const tokenEnd = new Date(claims.exp * 1000);
    const offlineUntil = inEmergency ? emergencyUntil : graceEnd < tokenEnd ? graceEnd : tokenEnd;
    return this.licenseStateOf(
      inEmergency ? 'emergency' : 'offline',
      {
        licenseId: claims.license_id,
        activationId: claims.activation_id,
        tier: claims.tier,
        features: claims.features,
        expires: claims.license_expires_at,
        graceDays: claims.grace_period_days,
      },
      offlineUntil,
      now,
    );
  }

  private licenseStateOf(
    source: LicenseState['source'],
    { licenseId, activationId, tier, features, expires, graceDays }: SignedFacts,
    offlineUntil: Date | null,
    now: Date,
  ): LicenseState {
    const expiresAt = expires ? new Date(expires) : null;
    if (expiresAt && expiresAt.getTime() + graceDays * DAY_MS <= now.getTime())
      throw new LicenseError(
        'LICENSE_EXPIRED',
        `The license expired on ${expires} and its grace period is over; renew it`,
      );
    return {
      valid: true,
      source,
      licenseId,
      activationId,
      tier,
      features,
      expiresAt,
      daysRemaining: expiresAt ? Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS) : null,
      inGracePeriod: expiresAt !== null && expiresAt <= now,
      offlineUntil,
      checkedAt: now,
    };
  }

  private verifyStoredFile(s: Stored, now: Date | undefined): Promise<VerifiedLicenseFile> {
    return verifyLicenseFile(s.licenseFile!, {
      jwks: s.jwks!,
      licenseKey: s.licenseKey,
      fingerprint: s.deviceId,
      ...(now ? { now } : { allowExpired: true }),
    });
  }

  /**
   * Writes the activation request of an air-gapped machine. Give the text to the vendor's portal or
   * support; install the license file you get back with `installLicenseFile`.
   *
   * @example
   * await writeFile('activation-request.txt', await client.createActivationRequest('KW-ABCD-...'));
   */
  async createActivationRequest(licenseKey: string, opts: { encrypt?: boolean } = {}): Promise<string> {
    const now = await this.guardClock();
    const request = {
      typ: 'keyward.activation-request',
      license_key: licenseKey,
      fingerprint: await this.deviceId(),
      device_info: { ...this.opts.deviceInfo, device_id: await this.deviceId() },
      nonce: randomHex(16),
      created_at: now.toISOString(),
      encrypt: opts.encrypt ?? false,
    };
    const body = toBase64(utf8(JSON.stringify(request))).replace(/.{1,64}/g, '$&\n');
    return `-----BEGIN KEYWARD ACTIVATION REQUEST-----\n${body}-----END KEYWARD ACTIVATION REQUEST-----\n`;
  }

  /**
   * Installs a license file for this device (offline activation). It is verified first: signature,
   * device binding, issue time and expiry. Needs the public keys: pass `jwks` in the options, or
   * have gone online once.
   *
   * @example
   * const license = await client.installLicenseFile(await readFile('app.lic', 'utf8'), 'KW-ABCD-...');
   */
  async installLicenseFile(text: string, licenseKey: string): Promise<LicenseState> {
    const now = await this.guardClock();
    const existing = await this.load();
    const jwks = this.opts.jwks ?? existing?.jwks;
    if (!jwks)
      throw new VerificationError(
        'KEY_UNKNOWN',
        'Pass the server public keys (jwks option) to install a license file offline',
      );
    const deviceId = await this.deviceId();
    const file = await verifyLicenseFile(text, { jwks, now, licenseKey, fingerprint: deviceId });
    const stored: Stored = {
      licenseKey,
      deviceId,
      licenseFile: text,
      jwks,
      usedEmergencySlots: existing?.usedEmergencySlots ?? [],
      pendingReports: [],
    };
    await this.save(stored);
    return this.remember(this.licenseStateOf('license_file', factsOfFile(file), file.expiresAt, now));
  }

  /**
   * Unlocks the app for up to 24 h with an emergency code from the vendor's support, when the server
   * cannot be reached. A code works once, only on the device it was issued for, and not after it expires.
   *
   * @example
   * await client.unlockWithEmergencyCode('7K2M9Q-XW4T1B-...');
   * await client.validate(); // source: 'emergency'
   */
  async unlockWithEmergencyCode(text: string): Promise<LicenseState> {
    const s = await this.loadActivated();
    const now = await this.guardClock();
    const code = parseEmergencyCode(text);
    if (s.usedEmergencySlots.includes(code.slot))
      throw new EmergencyCodeError(
        'EMERGENCY_CODE_USED',
        'This emergency code has already been used on this device; ask for a new one',
      );
    let commitments: string[] | undefined;
    if (s.licenseFile) commitments = (await this.verifyStoredFile(s, undefined)).emc;
    else if (s.token && s.jwks)
      commitments = (
        await verifyLicenseToken(s.token, {
          jwks: s.jwks,
          now: new Date((decodeTokenClaims(s.token).iat ?? 0) * 1000),
        })
      ).emc;
    await checkEmergencyCode(code, commitments ?? [], s.deviceId, now);
    const until = Math.min(code.expiresAt.getTime(), now.getTime() + DAY_MS);
    s.usedEmergencySlots.push(code.slot);
    s.emergencyUntil = new Date(until).toISOString();
    await this.save(s);
    await this.queueReport({ kind: 'emergency_code_used', emergency_slot: code.slot });
    return this.remember(await this.offlineState(s, now));
  }

  // ── features and usage ───────────────────────────────────────────────────────────────────────
  /**
   * True when the last validated license includes the feature. Call `validate()` first.
   *
   * @example
   * if (client.isFeatureEnabled('export_pdf')) menu.enable('Export as PDF');
   */
  isFeatureEnabled(featureId: string): boolean {
    return this.lastState?.features.includes(featureId) ?? false;
  }

  /** The license state from the last successful `validate()`/`activate()`, if any. */
  get license(): LicenseState | undefined {
    return this.lastState;
  }

  /**
   * Fetches usage against every limit from the server (`GET /licensing/status`) and keeps it.
   *
   * @example
   * const usage = await client.refreshUsage();
   */
  async refreshUsage(): Promise<UsageLine[]> {
    const s = await this.loadActivated();
    if (!s.token) return s.usage ?? [];
    const status = await requestJson<{ usage: UsageLine[] }>(
      this.fetchImpl,
      `${this.base}/api/v1/licensing/status?token=${encodeURIComponent(s.token)}`,
      {
        timeoutMs: this.timeoutMs,
      },
    );
    s.usage = status.usage;
    await this.save(s);
    return status.usage;
  }

  /**
   * Percentage (0–100+) of a named limit or metered feature used, from the last `refreshUsage()`;
   * null when the limit is unknown or unlimited.
   *
   * @example
   * await client.refreshUsage();
   * if ((client.getUsagePercentage('api_calls') ?? 0) > 80) showUpgradeHint();
   */
  getUsagePercentage(limit: string): number | null {
    return this.cached?.usage?.find((u) => u.name === limit)?.percentage ?? null;
  }

  // ── seat lifecycle ──────────────────────────────────────────────────────────────────────────
  /**
   * Sends heartbeats (keeps the seat alive, reports metrics) until the returned function is called.
   * Failures retry with exponential backoff up to `maxBackoffMs`.
   *
   * @example
   * const stop = client.startHeartbeat({ intervalMs: 15 * 60_000, metrics: () => ({ documents_open: 3 }) });
   * process.on('exit', stop);
   */
  startHeartbeat(
    opts: { intervalMs?: number; maxBackoffMs?: number; metrics?: () => Record<string, unknown> } = {},
  ): () => void {
    const interval = opts.intervalMs ?? 3_600_000;
    const maxBackoff = opts.maxBackoffMs ?? interval;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = (ms: number) => {
      if (stopped) return;
      timer = setTimeout(beat, ms);
      (timer as { unref?: () => void }).unref?.();
    };
    const beat = async () => {
      try {
        await this.heartbeat(opts.metrics?.());
        failures = 0;
        schedule(interval);
      } catch (err) {
        failures++;
        const retryInMs =
          Math.min(maxBackoff, 1_000 * 2 ** Math.min(failures, 20)) * (0.8 + Math.random() * 0.4);
        this.emit('heartbeat.failed', { error: (err as Error).message, retryInMs });
        schedule(retryInMs);
      }
    };
    schedule(0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }

  /** One heartbeat now: keeps the seat alive and merges usage metrics on the server. */
  async heartbeat(metrics?: Record<string, unknown>): Promise<void> {
    const s = await this.loadActivated();
    if (!s.token) return;
    const res = await this.post<ValidationAnswer>('heartbeat', {
      token: s.token,
      device_id: s.deviceId,
      ...(metrics ? { metrics } : {}),
    });
    if (!res.valid) {
      this.emit('license.invalid', { code: res.code, reason: res.reason });
      throw errorForCode(res.code, res.reason);
    }
    s.lastOnlineAt = this.clock().toISOString();
    await this.save(s);
  }

  /**
   * Frees this device's seat on the server and forgets the license here.
   *
   * @example
   * await client.deactivate(); // e.g. from "Sign out of this computer"
   */
  async deactivate(): Promise<void> {
    const s = await this.loadActivated();
    if (s.token) await this.post('deactivate', { token: s.token, device_id: s.deviceId });
    this.lastState = undefined;
    await this.save(null);
  }

  // ── reports and real time ───────────────────────────────────────────────────────────────────
  /**
   * Tells the vendor about something suspicious (recorded as an event staff can act on). Sent now when
   * online, else kept and sent after the next successful validation.
   *
   * @example
   * await client.reportSuspiciousActivity('debugger_detected', { tool: 'x64dbg' });
   */
  async reportSuspiciousActivity(
    kind: 'clock_tamper' | 'signature_failure' | 'integrity_failure' | 'debugger_detected' | 'other',
    details?: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    await this.queueReport({ kind, ...(details ? { details } : {}) });
  }

  private async queueReport(report: Stored['pendingReports'][number]): Promise<void> {
    const s = await this.load();
    if (!s) return;
    s.pendingReports.push(report);
    s.pendingReports = s.pendingReports.slice(-20);
    await this.save(s);
    await this.flushReports(s);
  }

  private async flushReports(s: Stored): Promise<void> {
    while (s.pendingReports.length > 0) {
      const report = s.pendingReports[0]!;
      try {
        await this.post('report', { license_key: s.licenseKey, device_id: s.deviceId, ...report });
      } catch (err) {
        if (err instanceof NetworkError) return; // try again later
      }
      s.pendingReports.shift();
      await this.save(s);
    }
  }

  /**
   * Opens the real-time channel (`/api/v1/ws`, needs the `real_time_sync` feature): license changes
   * arrive as events and trigger a fresh `validate()`. Pass a WebSocket class where there is no global
   * one (Node 20: `import WebSocket from 'ws'`). Returns a function that closes it.
   *
   * @example
   * client.on('license.updated', ({ state }) => render(state));
   * const close = await client.subscribe();
   */
  async subscribe(WebSocketImpl?: new (url: string) => WebSocket): Promise<() => void> {
    const s = await this.loadActivated();
    if (!s.token) throw new KeywardError('NOT_ACTIVATED', 'Real-time updates need an online activation');
    const Impl = WebSocketImpl ?? (globalThis as { WebSocket?: new (url: string) => WebSocket }).WebSocket;
    if (!Impl)
      throw new KeywardError(
        'NETWORK_ERROR',
        'No WebSocket implementation: pass one (e.g. from the "ws" package)',
      );
    const socket = new Impl(
      `${this.base.replace(/^http/, 'ws')}/api/v1/ws?token=${encodeURIComponent(s.token)}`,
    );
    socket.onmessage = (msg: MessageEvent) => {
      let event: { type?: string; data?: Record<string, unknown> };
      try {
        event = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (event.type === 'license.expired' || event.type === 'license.suspended')
        this.emit(event.type, {
          code: event.type === 'license.expired' ? 'LICENSE_EXPIRED' : 'LICENSE_SUSPENDED',
          reason: 'Changed on the server',
        });
      else if (event.type === 'license.limit_exceeded') this.emit('license.limit_exceeded', event.data ?? {});
      else if (event.type === 'license.updated' || event.type === 'license.feature_disabled')
        this.validate().catch(() => undefined);
    };
    let closedByApp = false;
    socket.onclose = (e: CloseEvent) => {
      const refusal = REALTIME_CLOSE_CODES[e.code];
      if (!closedByApp && refusal)
        this.emit('license.invalid', { code: refusal, reason: e.reason || refusal });
    };
    return () => {
      closedByApp = true;
      socket.close();
    };
  }
}
