import type { PublicJwk } from './crypto.js';
import type { KeywardStorage } from './storage.js';
import type { UsageLine } from './types.js';
import type { Report } from './wire.js';

const STATE_KEY = 'state';

/** What a client keeps about its license between runs, as one JSON value in the storage. */
export interface Stored {
  licenseKey: string;
  deviceId: string;
  /** The signed token of an online activation; absent when a license file was installed. */
  token?: string;
  licenseFile?: string;
  jwks?: { keys: PublicJwk[] };
  lastOnlineAt?: string;
  /** What the server said at the last online check. */
  online?: {
    tier: string;
    features: string[];
    expires_at: string | null;
    grace_period_days: number;
    license_id: string;
    activation_id: string | null;
  };
  usage?: UsageLine[];
  /**
   * The server's last refusal (revoked, suspended, expired, blocked …): it wins over the cached token,
   * file or emergency unlock until a later online check says the license is valid again.
   */
  refusal?: { code: string; reason: string; at: string };
  /** Uses of metered features recorded while offline, summed per feature, sent when back online. */
  pendingUsage?: Record<string, number> | undefined;
  /** Not before this time (ISO) is the server asked again: it answered 429 with Retry-After. */
  retryAfter?: string;
  usedEmergencySlots: number[];
  emergencyUntil?: string;
  /** Reports not sent yet (the server could not be reached). */
  pendingReports: Report[];
}

/** The stored state, read once from the storage and then kept in memory. */
export class StateStore {
  /** undefined until first loaded; null when nothing is stored. */
  private value: Stored | null | undefined;

  constructor(private readonly storage: KeywardStorage) {}

  /** What was last loaded or saved, without reading the storage (for synchronous getters). */
  get cached(): Stored | null | undefined {
    return this.value;
  }

  async load(): Promise<Stored | null> {
    if (this.value !== undefined) return this.value;
    const raw = await this.storage.get(STATE_KEY);
    this.value = raw ? (JSON.parse(raw) as Stored) : null;
    return this.value;
  }

  /** Saves `s` (null forgets the license). */
  async save(s: Stored | null): Promise<void> {
    this.value = s;
    if (s) await this.storage.set(STATE_KEY, JSON.stringify(s));
    else await this.storage.delete(STATE_KEY);
  }
}
