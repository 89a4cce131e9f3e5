import { describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { startTestServer, type TestServer, useServer } from '../../test/support/server.js';

const world = useServer();

const realtime = {
  features: [{ feature_id: 'real_time_sync', name: 'Real-time', enabled: true }],
  limits: { max_concurrent_connections: 1 },
};

interface Conn {
  messages: Array<{ type: string }>;
  closed: Promise<number>;
  socket: WebSocket;
}

function connect(token: string, on: TestServer = world.server): Promise<Conn> {
  const socket = new WebSocket(
    `${on.url.replace('http', 'ws')}/api/v1/ws?token=${encodeURIComponent(token)}`,
  );
  const messages: Array<{ type: string }> = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve({ messages, closed, socket }));
    socket.on('error', reject);
  });
}

async function seat(planOverrides: Record<string, unknown>, device: string) {
  const license = await issueLicense(world.server, world.account, {}, planOverrides);
  const a = await activate(world.server, license.key, device);
  return { license, token: a.body.signed_token as string };
}

describe('real-time WebSocket', () => {
  it('pushes license.suspended and closes with 4001 when staff suspend the license', async () => {
    const { license, token } = await seat(realtime, 'ws-1');
    const conn = await connect(token);
    await expect.poll(() => conn.messages.map((m) => m.type)).toContain('connected');
    await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: await world.account.token('owner'),
      body: { reason: 'unpaid' },
    });
    expect(await conn.closed).toBe(4001);
    expect(conn.messages.map((m) => m.type)).toContain('license.suspended');
  });

  it('pushes license.updated on changes, and limit_exceeded when a quota runs out', async () => {
    const plan = {
      ...realtime,
      features: [
        ...realtime.features,
        { feature_id: 'exports', name: 'Exports', enabled: true, limit_value: 1, period: 'day' },
      ],
    };
    const { license, token } = await seat(plan, 'ws-2');
    const conn = await connect(token);
    // The socket opens before the server has admitted it; "connected" is when it starts hearing changes.
    await expect.poll(() => conn.messages.map((m) => m.type)).toContain('connected');
    await world.server.request('PATCH', `/api/v1/licenses/${license.id}`, {
      token: await world.account.token('owner'),
      body: { metadata: { note: 'x' } },
    });
    await expect.poll(() => conn.messages.map((m) => m.type)).toContain('license.updated');
    await world.server.request('POST', '/api/v1/licensing/usage', {
      body: { token, feature: 'exports', count: 2 },
    });
    await expect.poll(() => conn.messages.map((m) => m.type)).toContain('license.limit_exceeded');
    conn.socket.close();
  });

  it('closes with 4002 for a bad token, 4003 without real_time_sync, 4005 over the connection limit', async () => {
    expect(await (await connect('not-a-valid-token-at-all')).closed).toBe(4002);
    const without = await seat(
      { features: [{ feature_id: 'reports', name: 'Reports', enabled: true }] },
      'ws-3',
    );
    expect(await (await connect(without.token)).closed).toBe(4003);
    const limited = await seat(realtime, 'ws-4');
    const first = await connect(limited.token);
    // The server holds the first slot once it has said "connected"; only then is the second one extra.
    await expect.poll(() => first.messages.map((m) => m.type)).toContain('connected');
    const second = await connect(limited.token);
    expect(await second.closed).toBe(4005);
    first.socket.close();
  });

  // Two processes need PostgreSQL (the embedded engine serves one) and Redis.
  it.skipIf(!process.env.REDIS_URL || inject('databaseKind') !== 'postgres')(
    'the connection limit holds across two server processes sharing Redis, and frees on close',
    async () => {
      const config = { redisUrl: process.env.REDIS_URL };
      const [a, b] = await Promise.all([startTestServer({ config }), startTestServer({ config })]);
      try {
        const { token } = await seat(realtime, 'ws-5');
        const first = await connect(token, a);
        await expect.poll(() => first.messages.map((m) => m.type)).toContain('connected');
        expect(await (await connect(token, b)).closed).toBe(4005);
        first.socket.close();
        await first.closed;
        // The slot is released over Redis: the other process now accepts the app.
        await expect
          .poll(async () => {
            const c = await connect(token, b);
            const code = await Promise.race([c.closed, new Promise((r) => setTimeout(() => r('open'), 300))]);
            if (code === 'open') c.socket.close();
            return code;
          })
          .toBe('open');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  );
});
