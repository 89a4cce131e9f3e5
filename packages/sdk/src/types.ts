import type { PublicJwk } from './crypto.js';
import type { FetchLike } from './http.js';
import type { KeywardStorage } from './storage.js';

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
  deviceInfo?: Record<string, string | number | boolean | null> & { cpu_cores?: number };
  /** How long the app keeps working without reaching the server (default 7 days). */
  offlineGraceDays?: number;
  /**
   * Pins the client to one Keyward account (its id), for a server hosting several: the public keys are
   * fetched for this account only, and a license, token or file of another account is refused with
   * ACCOUNT_MISMATCH (an activation made with another account's key is released again).
   */
  accountId?: string;
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

// Written out rather than derived: the status route declares no response schema in the OpenAPI document.
/** A usage line from the server (`GET /licensing/status`). */
export interface UsageLine {
  name: string;
  used: number;
  limit: number | null;
  percentage: number | null;
  period: string;
  reset_at: string | null;
}
