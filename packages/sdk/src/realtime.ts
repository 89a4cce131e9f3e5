import type { ClientContext } from './context.js';
import { KeywardError } from './errors.js';

/** Why the server closed the real-time channel (product.md §2.6), as license codes. */
const REALTIME_CLOSE_CODES: Record<number, string> = {
  4002: 'TOKEN_INVALID',
  4003: 'FEATURE_NOT_LICENSED',
  4005: 'USAGE_LIMIT_EXCEEDED',
};

export type WebSocketClass = new (url: string) => WebSocket;

/**
 * Opens `/api/v1/ws` with the stored token and turns its messages into client events; a license
 * change calls `revalidate`. Returns the function that closes the channel.
 */
export async function subscribe(
  ctx: ClientContext,
  WebSocketImpl: WebSocketClass | undefined,
  revalidate: () => Promise<unknown>,
): Promise<() => void> {
  const s = await ctx.loadActivated();
  if (!s.token) throw new KeywardError('NOT_ACTIVATED', 'Real-time updates need an online activation');
  const Impl = WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
  if (!Impl)
    throw new KeywardError(
      'NETWORK_ERROR',
      'No WebSocket implementation: pass one (e.g. from the "ws" package)',
    );
  const socket = new Impl(
    `${ctx.base.replace(/^http/, 'ws')}/api/v1/ws?token=${encodeURIComponent(s.token)}`,
  );
  socket.onmessage = (msg: MessageEvent) => {
    let event: { type?: string; data?: Record<string, unknown> };
    try {
      event = JSON.parse(String(msg.data));
    } catch {
      return;
    }
    if (event.type === 'license.expired' || event.type === 'license.suspended')
      ctx.announceRefusal(event.type, {
        code: event.type === 'license.expired' ? 'LICENSE_EXPIRED' : 'LICENSE_SUSPENDED',
        reason: 'Changed on the server',
      });
    else if (event.type === 'license.limit_exceeded') ctx.emit('license.limit_exceeded', event.data ?? {});
    else if (event.type === 'license.updated' || event.type === 'license.feature_disabled')
      revalidate().catch(() => undefined);
  };
  let closedByApp = false;
  socket.onclose = (e: CloseEvent) => {
    const refusal = REALTIME_CLOSE_CODES[e.code];
    if (!closedByApp && refusal) ctx.emit('license.invalid', { code: refusal, reason: e.reason || refusal });
  };
  return () => {
    closedByApp = true;
    socket.close();
  };
}
