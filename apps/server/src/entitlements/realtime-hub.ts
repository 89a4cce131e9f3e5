import type { WebSocket } from 'ws';
import type { SeatSnapshots } from '../activations/seat-snapshots.js';
import type { AppContext } from '../core/context.js';
import { decideLicense } from '../licenses/decision.js';
import { LICENSE_CHANGED } from '../licenses/publish.js';
import { findLicense, type LicenseWithPlan } from '../licenses/repository.js';
import type { SigningKeys } from '../signing/signing-keys.js';
import { type ConnectionSlots, LocalSlots, RedisSlots } from './connection-slots.js';

/** Close codes of product.md §2.6. */
export const WS_CLOSE = {
  general: 4000,
  licenseExpired: 4001,
  invalidToken: 4002,
  featureNotLicensed: 4003,
  connectionLimit: 4005,
} as const;

const STOPPING_EVENTS: Record<string, string> = {
  'license.suspended': 'license.suspended',
  'license.revoked': 'license.expired',
  'license.expired': 'license.expired',
};

function realTimeAllowed(license: LicenseWithPlan): boolean {
  return license.features.some((f) => f.feature_id === 'real_time_sync' && f.enabled);
}

/**
 * The licensed apps' sockets this process holds, by license, and the pushes they get: license changes
 * arrive on the bus, so an event raised by any server process reaches them. The connection limit
 * (`max_concurrent_connections`) is shared by all processes through Redis when REDIS_URL is set (see
 * connection-slots.ts). One per process, built by the composition root.
 */
export class RealtimeHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly slots: ConnectionSlots;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly signing: SigningKeys,
    private readonly snapshots: SeatSnapshots,
  ) {
    this.slots = ctx.redis
      ? new RedisSlots(ctx.redis, new LocalSlots(), (m) => ctx.log.warn(m))
      : new LocalSlots();
    this.unsubscribe = ctx.bus.subscribe(LICENSE_CHANGED, (msg) => {
      const licenseId = msg.data.license_id;
      if (typeof licenseId === 'string') void this.push(msg.accountId, licenseId, msg.data);
    });
  }

  /** Closes every socket (server shutting down). */
  close() {
    this.unsubscribe();
    for (const set of this.sockets.values()) for (const s of set) s.close(1001, 'server shutting down');
  }

  /** Admits a socket that presented `token`, or closes it with the reason's close code. */
  async connect(socket: WebSocket, token: string): Promise<void> {
    const { ctx, slots } = this;
    const verified = await this.signing.verifyToken(token);
    if (!verified.ok) return socket.close(WS_CLOSE.invalidToken, verified.reason.slice(0, 120));
    // The seat must still be live, as for validate: a deactivated or blocked seat's token is refused.
    const seat = await this.snapshots.liveSeat(verified.claims);
    if (!seat.ok) return socket.close(WS_CLOSE.invalidToken, seat.reason.slice(0, 120));
    const { license, activation, blocked } = seat.snap;
    if (!decideLicense({ license, seat: activation, blocked, now: ctx.clock.now() }).valid)
      return socket.close(WS_CLOSE.licenseExpired, 'license is not active');
    if (!realTimeAllowed(license))
      return socket.close(WS_CLOSE.featureNotLicensed, 'real_time_sync is not licensed');
    const max = license.limits.max_concurrent_connections;
    const slot = await slots.acquire(license.id, typeof max === 'number' && max > 0 ? max : null);
    if (!slot) return socket.close(WS_CLOSE.connectionLimit, 'connection limit reached');
    if (socket.readyState !== socket.OPEN) return void slots.release(license.id, slot); // left meanwhile
    const held = this.sockets.get(license.id) ?? new Set<WebSocket>();
    held.add(socket);
    this.sockets.set(license.id, held);
    const ping = setInterval(() => {
      socket.ping();
      void slots.refresh(license.id, slot);
    }, 30_000);
    socket.on('close', () => {
      clearInterval(ping);
      void slots.release(license.id, slot);
      held.delete(socket);
      if (held.size === 0) this.sockets.delete(license.id);
    });
    socket.on('message', (raw) => {
      if (raw.toString() === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
    this.send(socket, 'connected', { license_id: license.id, tier: license.plan_code });
  }

  private send(socket: WebSocket, type: string, data: Record<string, unknown>) {
    socket.send(JSON.stringify({ type, data, at: this.ctx.clock.now().toISOString() }));
  }

  private async push(accountId: string, licenseId: string, data: Record<string, unknown>) {
    const held = this.sockets.get(licenseId);
    if (!held || held.size === 0) return;
    const event = String(data.event ?? 'license.updated');
    if (event === 'license.limit_exceeded') {
      for (const s of held) this.send(s, 'license.limit_exceeded', data);
      return;
    }
    const stop = STOPPING_EVENTS[event];
    if (stop) {
      for (const s of held) {
        this.send(s, stop, { license_id: licenseId });
        s.close(WS_CLOSE.licenseExpired, stop);
      }
      return;
    }
    const license = await findLicense(this.ctx.db.sql, accountId, licenseId).catch(() => undefined);
    for (const s of held) {
      if (license && !realTimeAllowed(license)) {
        this.send(s, 'license.feature_disabled', { license_id: licenseId, feature: 'real_time_sync' });
        s.close(WS_CLOSE.featureNotLicensed, 'real_time_sync is no longer licensed');
      } else {
        this.send(s, 'license.updated', {
          license_id: licenseId,
          event,
          tier: license?.plan_code,
          features: license?.features,
        });
      }
    }
  }
}
