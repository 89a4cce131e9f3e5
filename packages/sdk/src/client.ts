import { ClientContext } from './context.js';
import { KeywardError } from './errors.js';
import { Emitter } from './events.js';
import * as heartbeats from './heartbeat.js';
import { Lease } from './lease.js';
import { errorDocUrl } from './messages.js';
import * as offline from './offline.js';
import type { ActivateOptions } from './online.js';
import * as online from './online.js';
import * as realtime from './realtime.js';
import { queueReport } from './reports.js';
import type { KeywardClientOptions, LicenseState, UsageLine } from './types.js';
import type { UsageAnswer } from './usage.js';
import * as usage from './usage.js';

export type { KeywardClientOptions, LicenseState, UsageLine } from './types.js';

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
  // The work is done in online.ts, offline.ts, heartbeat.ts, realtime.ts and reports.ts, on this shared context.
  private readonly ctx: ClientContext;
  private readonly lease: Lease;

  constructor(opts: KeywardClientOptions) {
    super();
    this.ctx = new ClientContext(opts, (event, data) => this.emit(event, data));
    this.lease = new Lease(this.ctx);
  }

  /** Errors leave the client with `docUrl`: where your server explains their code. */
  private explained<T>(work: Promise<T>): Promise<T> {
    return work.catch((err: unknown) => {
      if (err instanceof KeywardError && !err.docUrl) err.docUrl = errorDocUrl(this.ctx.base, err.code);
      throw err;
    });
  }

  /** True when a license key (online) or license file (offline) is installed on this device. */
  async isActivated(): Promise<boolean> {
    return (await this.ctx.store.load()) !== null;
  }

  /** This device's id: the configured fingerprint, or a random id created once and kept in storage. */
  deviceId(): Promise<string> {
    return this.ctx.deviceId();
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
  activate(licenseKey: string, opts: ActivateOptions = {}): Promise<LicenseState> {
    return this.explained(online.activate(this.ctx, licenseKey, opts));
  }

  /**
   * Floating licenses: takes a lease (a seat held while the app runs) and renews it automatically
   * before it lapses. `lease.lost` says when the server released it (e.g. after the machine slept).
   *
   * @example
   * await client.checkout(key);
   * process.on('beforeExit', () => client.checkin());
   */
  checkout(licenseKey: string, opts: ActivateOptions = {}): Promise<LicenseState> {
    return this.explained(this.lease.checkout(licenseKey, opts));
  }

  /** Gives the lease back: stops renewing and frees the seat for another device at once. */
  checkin(): Promise<void> {
    return this.explained(this.lease.checkin());
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
  validate(): Promise<LicenseState> {
    return this.explained(online.validate(this.ctx));
  }

  // ── offline ──────────────────────────────────────────────────────────────────────────────────
  /**
   * Writes the activation request of an air-gapped machine. Give the text to the vendor's portal or
   * support; install the license file you get back with `installLicenseFile`.
   *
   * @example
   * await writeFile('activation-request.txt', await client.createActivationRequest('KW-ABCD-...'));
   */
  createActivationRequest(licenseKey: string, opts: { encrypt?: boolean } = {}): Promise<string> {
    return this.explained(offline.createActivationRequest(this.ctx, licenseKey, opts));
  }

  /**
   * Installs a license file for this device (offline activation). It is verified first: signature,
   * device binding, issue time and expiry. Needs the public keys: pass `jwks` in the options, or
   * have gone online once.
   *
   * @example
   * const license = await client.installLicenseFile(await readFile('app.lic', 'utf8'), 'KW-ABCD-...');
   */
  installLicenseFile(text: string, licenseKey: string): Promise<LicenseState> {
    return this.explained(offline.installLicenseFile(this.ctx, text, licenseKey));
  }

  /**
   * Unlocks the app for up to 24 h with an emergency code from the vendor's support, when the server
   * cannot be reached. A code works once, only on the device it was issued for, and not after it expires.
   *
   * @example
   * await client.unlockWithEmergencyCode('7K2M9Q-XW4T1B-...');
   * await client.validate(); // source: 'emergency'
   */
  unlockWithEmergencyCode(text: string): Promise<LicenseState> {
    return this.explained(offline.unlockWithEmergencyCode(this.ctx, text));
  }

  // ── features and usage ───────────────────────────────────────────────────────────────────────
  /**
   * True when the last validated license includes the feature. Call `validate()` first.
   *
   * @example
   * if (client.isFeatureEnabled('export_pdf')) menu.enable('Export as PDF');
   */
  isFeatureEnabled(featureId: string): boolean {
    return this.ctx.lastState?.features.includes(featureId) ?? false;
  }

  /** The license state from the last successful `validate()`/`activate()`, if any. */
  get license(): LicenseState | undefined {
    return this.ctx.lastState;
  }

  /**
   * Fetches usage against every limit from the server (`GET /licensing/status`) and keeps it.
   *
   * @example
   * const usage = await client.refreshUsage();
   */
  refreshUsage(): Promise<UsageLine[]> {
    return this.explained(online.refreshUsage(this.ctx));
  }

  /**
   * Records `count` uses of a metered feature against its quota. Online the answer says whether the use
   * was within the quota (`allowed`, `used`, `limit`); offline, or while the server is busy, the uses are
   * kept and sent with the next successful call (`queued: true`).
   *
   * @example
   * const r = await client.trackUsage('exports');
   * if (!r.queued && !r.allowed) showQuotaReached(r.limit);
   */
  trackUsage(feature: string, count = 1): Promise<UsageAnswer> {
    return this.explained(usage.trackUsage(this.ctx, feature, count));
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
    return this.ctx.store.cached?.usage?.find((u) => u.name === limit)?.percentage ?? null;
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
    return heartbeats.startHeartbeat(this.ctx, opts);
  }

  /** One heartbeat now: keeps the seat alive and merges usage metrics on the server. */
  heartbeat(metrics?: Record<string, unknown>) {
    return this.explained(heartbeats.heartbeat(this.ctx, metrics));
  }

  /**
   * Frees this device's seat on the server and forgets the license here.
   *
   * @example
   * await client.deactivate(); // e.g. from "Sign out of this computer"
   */
  deactivate(): Promise<void> {
    return this.explained(online.deactivate(this.ctx));
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
    await queueReport(this.ctx, { kind, ...(details ? { details } : {}) });
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
  subscribe(WebSocketImpl?: new (url: string) => WebSocket): Promise<() => void> {
    return this.explained(realtime.subscribe(this.ctx, WebSocketImpl, () => this.validate()));
  }
}
