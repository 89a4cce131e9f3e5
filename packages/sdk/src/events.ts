/** Events a KeywardClient emits; the payload is the event's data. */
export interface KeywardEvents {
  /** The license changed on the server (plan, features, limits) or a fresh state was fetched. */
  'license.updated': { state: unknown };
  /** The license expired. */
  'license.expired': { code: string; reason: string };
  /** The license was revoked. */
  'license.revoked': { code: string; reason: string };
  /** This device was blocked by the vendor. */
  'device.blocked': { code: string; reason: string };
  /** The license was suspended. */
  'license.suspended': { code: string; reason: string };
  /** A validation failed with a license problem (suspended, revoked, device blocked …). */
  'license.invalid': { code: string; reason: string };
  /** Usage crossed a limit (from the real-time channel). */
  'license.limit_exceeded': Record<string, unknown>;
  /** The server could not be reached; the SDK is working from its cached license. */
  offline: { error: string };
  /** The server is reachable again. */
  online: Record<string, never>;
  /** The clock went backwards or a token/file is from the future. */
  'clock.tamper': { reason: string };
  /** Floating licenses: this device's lease was released (not renewed in time); `checkout` again. */
  'lease.lost': { code: string; reason: string };
  /** The lease was renewed until `expiresAt`. */
  'lease.renewed': { expiresAt: Date };
  /** This build was released after the license's maintenance ended. */
  'license.maintenance_expired': { code: string; reason: string };
  /** The server took the seat with a warning, e.g. SEAT_OVERAGE (past the limit, within the overage). */
  'license.warning': { code: string; message: string };
  /** A heartbeat failed; the loop retries with backoff. */
  'heartbeat.failed': { error: string; retryInMs: number };
}

export type KeywardEventName = keyof KeywardEvents;
type Handler<K extends KeywardEventName> = (data: KeywardEvents[K]) => void;

/** A tiny typed emitter (no Node dependency, so it runs in browsers). */
export class Emitter {
  private readonly handlers = new Map<string, Set<(data: never) => void>>();

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends KeywardEventName>(event: K, handler: Handler<K>): () => void {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler as (data: never) => void);
    this.handlers.set(event, set);
    return () => set.delete(handler as (data: never) => void);
  }

  protected emit<K extends KeywardEventName>(event: K, data: KeywardEvents[K]): void {
    for (const h of this.handlers.get(event) ?? []) {
      try {
        (h as Handler<K>)(data);
      } catch {
        // A failing listener must not break licensing.
      }
    }
  }
}
