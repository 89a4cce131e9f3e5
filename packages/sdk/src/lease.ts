import type { ClientContext } from './context.js';
import { LicenseError } from './errors.js';
import { heartbeat } from './heartbeat.js';
import { type ActivateOptions, activate, deactivate } from './online.js';
import type { LicenseState } from './types.js';

/** Renew when a third of the lease is left at most; never more often than every 5 s. */
const RENEW_SHARE = 1 / 3;
const MIN_RENEW_MS = 5_000;

/**
 * A floating seat held while the app runs: checked out with the license key, renewed by heartbeats
 * before it lapses, given back at check-in. A renewal the server refuses (the lease was released, the
 * license revoked …) ends the loop and is announced (`lease.lost`, `license.revoked` …); a server that
 * cannot be reached is retried until the lease would lapse.
 */
export class Lease {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The lease window the server granted at checkout. */
  private windowMs = 15 * 60_000;

  constructor(private readonly ctx: ClientContext) {}

  async checkout(licenseKey: string, opts: ActivateOptions = {}): Promise<LicenseState> {
    const state = await activate(this.ctx, licenseKey, opts);
    const until = this.ctx.leaseExpiresAt;
    if (until) this.windowMs = Math.max(MIN_RENEW_MS, until.getTime() - this.ctx.clock().getTime());
    this.stopped = false;
    this.schedule();
    return state;
  }

  async checkin(): Promise<void> {
    this.stop();
    await deactivate(this.ctx);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.stopped) return;
    const until = this.ctx.leaseExpiresAt;
    const left = until ? until.getTime() - this.ctx.clock().getTime() : this.windowMs;
    this.timer = setTimeout(() => void this.renew(), Math.max(MIN_RENEW_MS, left * RENEW_SHARE));
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async renew(): Promise<void> {
    try {
      await heartbeat(this.ctx);
      const expiresAt = new Date(this.ctx.clock().getTime() + this.windowMs);
      this.ctx.leaseExpiresAt = expiresAt;
      this.ctx.emit('lease.renewed', { expiresAt });
    } catch (err) {
      // The server answered no: the lease is gone (heartbeat announced why). Anything else: retry.
      if (err instanceof LicenseError) return this.stop();
    }
    this.schedule();
  }
}
