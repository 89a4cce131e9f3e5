import { type PublicJwk, randomHex } from './crypto.js';
import { KeywardError, LicenseError } from './errors.js';
import type { KeywardEventName, KeywardEvents } from './events.js';
import { fingerprint as hashFingerprint } from './fingerprint.js';
import { type FetchLike, requestJson } from './http.js';
import { type KeywardStorage, MemoryStorage } from './storage.js';
import { StateStore, type Stored } from './store.js';
import type { KeywardClientOptions, LicenseState } from './types.js';
import type { CallAnswer, CallBody, LicensingCall } from './wire.js';

export const DAY_MS = 86_400_000;

/** The events that announce the server refusing the license; each carries the refusal's code. */
export type RefusalEvent = {
  [K in KeywardEventName]: KeywardEvents[K] extends { code: string; reason: string } ? K : never;
}[KeywardEventName];

export type Emit = <K extends KeywardEventName>(event: K, data: KeywardEvents[K]) => void;

/**
 * What the parts of a KeywardClient (online, offline, heartbeat, real time, reports) share: the
 * options, the stored state, the event emitter, the server calls and the last license state.
 */
export class ClientContext {
  readonly base: string;
  readonly storage: KeywardStorage;
  readonly store: StateStore;
  readonly fetchImpl: FetchLike;
  readonly clock: () => Date;
  readonly timeoutMs: number;
  readonly offlineGraceMs: number;
  /** The state from the last successful validate/activate; what feature gates read. */
  lastState: LicenseState | undefined;
  /** So `offline` and `online` are emitted once per change, not on every validation. */
  wasOffline = false;
  /** Floating licenses: when this device's lease ends unless renewed (from the last activation). */
  leaseExpiresAt: Date | null = null;
  /**
   * The refusal last announced: the real-time channel and a re-validation in flight often report the
   * same suspension, and the app should hear it once. Cleared when the license is valid again.
   */
  private announcedRefusal: string | undefined;

  constructor(
    readonly opts: KeywardClientOptions,
    readonly emit: Emit,
  ) {
    this.base = opts.serverUrl.replace(/\/+$/, '');
    this.storage = opts.storage ?? new MemoryStorage();
    this.store = new StateStore(this.storage);
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.clock = opts.now ?? (() => new Date());
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.offlineGraceMs = (opts.offlineGraceDays ?? 7) * DAY_MS;
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

  /** The stored license of this device; throws when there is none or it was copied from another device. */
  async loadActivated(): Promise<Stored> {
    const s = await this.store.load();
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

  /** A client API call: `post('validate', body)` posts to `/api/v1/licensing/validate`. */
  post<N extends LicensingCall>(call: N, body: CallBody<N>): Promise<CallAnswer<N>> {
    return requestJson(this.fetchImpl, `${this.base}/api/v1/licensing/${call}`, {
      body,
      timeoutMs: this.timeoutMs,
    });
  }

  /** A GET on the server, `path` starting with `/`. */
  get<T>(path: string): Promise<T> {
    return requestJson<T>(this.fetchImpl, `${this.base}${path}`, { timeoutMs: this.timeoutMs });
  }

  /** The public keys that verify tokens and files: the configured ones, else the account's on the server. */
  async fetchJwks(accountId: string): Promise<{ keys: PublicJwk[] }> {
    if (this.opts.jwks) return this.opts.jwks;
    const account = this.opts.accountId ?? accountId;
    return this.get(`/.well-known/jwks.json?account=${encodeURIComponent(account)}`);
  }

  /** The account check every token and file verification adds when the app is pinned to one. */
  get pinned(): { accountId?: string } {
    return this.opts.accountId === undefined ? {} : { accountId: this.opts.accountId };
  }

  remember(state: LicenseState): LicenseState {
    this.lastState = state;
    this.announcedRefusal = undefined;
    return state;
  }

  /** Emits a refusal (suspended, revoked, expired …) unless the same one was the last announced. */
  announceRefusal(event: RefusalEvent, data: { code: string; reason: string }): void {
    if (this.announcedRefusal === data.code) return;
    this.announcedRefusal = data.code;
    this.emit(event, data);
  }
}
