import websocket from '@fastify/websocket';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import type { AppContext } from '../core/context.js';
import type { App } from '../http/types.js';
import { licenseTiming } from '../licenses/evaluate.js';
import { LICENSE_CHANGED } from '../licenses/publish.js';
import { findLicense, type LicenseWithPlan } from '../licenses/repository.js';
import { verifyLicenseToken } from '../signing/service.js';
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
 * WebSocket for licensed apps: pushes license changes as they happen. Changes arrive on the bus, so an
 * event raised by any server process reaches the sockets this process holds.
 * The connection limit (`max_concurrent_connections`) is shared by all processes through Redis when
 * REDIS_URL is set (see connection-slots.ts).
 */
export async function websocketRoutes(app: App, { ctx }: { ctx: AppContext }) {
  await app.register(websocket, { options: { maxPayload: 4096 } });
  const sockets = new Map<string, Set<WebSocket>>();
  const slots: ConnectionSlots = ctx.redis
    ? new RedisSlots(ctx.redis, new LocalSlots(), (m) => ctx.log.warn(m))
    : new LocalSlots();
  const send = (socket: WebSocket, type: string, data: Record<string, unknown>) =>
    socket.send(JSON.stringify({ type, data, at: ctx.clock.now().toISOString() }));

  const unsubscribe = ctx.bus.subscribe(LICENSE_CHANGED, async (msg) => {
    const licenseId = msg.data.license_id;
    const held = typeof licenseId === 'string' ? sockets.get(licenseId) : undefined;
    if (!held || held.size === 0) return;
    const event = String(msg.data.event ?? 'license.updated');
    if (event === 'license.limit_exceeded') {
      for (const s of held) send(s, 'license.limit_exceeded', msg.data);
      return;
    }
    const stop = STOPPING_EVENTS[event];
    if (stop) {
      for (const s of held) {
        send(s, stop, { license_id: licenseId });
        s.close(WS_CLOSE.licenseExpired, stop);
      }
      return;
    }
    const license = await findLicense(ctx.db.sql, msg.accountId, licenseId as string).catch(() => undefined);
    for (const s of held) {
      if (license && !realTimeAllowed(license)) {
        send(s, 'license.feature_disabled', { license_id: licenseId, feature: 'real_time_sync' });
        s.close(WS_CLOSE.featureNotLicensed, 'real_time_sync is no longer licensed');
      } else {
        send(s, 'license.updated', {
          license_id: licenseId,
          event,
          tier: license?.plan_code,
          features: license?.features,
        });
      }
    }
  });
  ctx.onShutdown.push(async () => {
    unsubscribe();
    for (const set of sockets.values()) for (const s of set) s.close(1001, 'server shutting down');
  });

  app.get(
    '/api/v1/ws',
    {
      websocket: true,
      schema: {
        tags: ['licensing (client API)'],
        summary: 'Real-time license events (requires the real_time_sync feature)',
        querystring: Type.Object(
          { token: Type.String({ minLength: 10, maxLength: 4096 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (socket, request) => {
      const { token } = request.query as { token: string };
      const verified = await verifyLicenseToken(ctx, token);
      if (!verified.ok) return socket.close(WS_CLOSE.invalidToken, verified.reason.slice(0, 120));
      const license = await findLicense(ctx.db.sql, verified.claims.account_id, verified.claims.license_id);
      if (!license) return socket.close(WS_CLOSE.invalidToken, 'license not found');
      if (licenseTiming(license, ctx.clock.now()).status !== 'active')
        return socket.close(WS_CLOSE.licenseExpired, 'license is not active');
      if (!realTimeAllowed(license))
        return socket.close(WS_CLOSE.featureNotLicensed, 'real_time_sync is not licensed');
      const max = license.limits.max_concurrent_connections;
      const slot = await slots.acquire(license.id, typeof max === 'number' && max > 0 ? max : null);
      if (!slot) return socket.close(WS_CLOSE.connectionLimit, 'connection limit reached');
      if (socket.readyState !== socket.OPEN) return void slots.release(license.id, slot); // left meanwhile
      const held = sockets.get(license.id) ?? new Set<WebSocket>();
      held.add(socket);
      sockets.set(license.id, held);
      const ping = setInterval(() => {
        socket.ping();
        void slots.refresh(license.id, slot);
      }, 30_000);
      socket.on('close', () => {
        clearInterval(ping);
        void slots.release(license.id, slot);
        held.delete(socket);
        if (held.size === 0) sockets.delete(license.id);
      });
      socket.on('message', (raw) => {
        if (raw.toString() === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      });
      send(socket, 'connected', { license_id: license.id, tier: license.plan_code });
    },
  );
}
