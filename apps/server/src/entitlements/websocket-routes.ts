import websocket from '@fastify/websocket';
import { Type } from 'typebox';
import type { App } from '../http/types.js';
import type { RealtimeHub } from './realtime-hub.js';

/** WebSocket for licensed apps: the hub admits the socket and pushes license changes to it. */
export async function websocketRoutes(app: App, { realtime }: { realtime: RealtimeHub }) {
  await app.register(websocket, { options: { maxPayload: 4096 } });
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
    (socket, request) => realtime.connect(socket, (request.query as { token: string }).token),
  );
}
