import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type ChildServer, startChildServer } from '../../test/support/child-server.js';
import { useServer } from '../../test/support/server.js';

// Issue K: `kill -9` of the process that is delivering a webhook. Two real server processes on one
// PostgreSQL deliver; the receiver holds the first request open, the process that sent it is killed, and
// the other process must send the same delivery (same webhook-id) once the dead one's lease ends. The
// test's own server sends nothing (KEYWARD_JOBS=off): only the two children deliver.
describe.skipIf(inject('databaseKind') !== 'postgres')('webhook delivery across a kill -9', () => {
  const world = useServer({ config: { jobs: 'off' } });
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-webhook-kill-'));
  const clockFile = path.join(dir, 'now');
  writeFileSync(clockFile, new Date().toISOString());
  const children: ChildServer[] = [];
  afterAll(() => {
    for (const c of children) c.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the event again, with the same webhook-id, after the delivering process dies', async () => {
    const arrivals: { id: string; at: number; remotePort: number }[] = [];
    const held: ServerResponse[] = [];
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        arrivals.push({
          id: String(req.headers['webhook-id']),
          at: Date.now(),
          remotePort: req.socket.remotePort!,
        });
        // The first attempt never gets an answer: its sender dies waiting.
        if (arrivals.length === 1) held.push(res);
        else res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // A 2 s timeout: a claim is leased for 6 s.
    const env = {
      KEYWARD_JOBS: 'work',
      KEYWARD_WEBHOOK_TIMEOUT_SECONDS: '2',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    };
    children.push(
      await startChildServer('a', dir, clockFile, env),
      await startChildServer('b', dir, clockFile, env),
    );

    const token = await world.account.token('owner');
    const endpoint = await world.server.request('POST', '/api/v1/webhook-endpoints', {
      token,
      body: { url, event_types: ['webhook_endpoint.test'] },
    });
    expect(endpoint.status).toBe(201);
    const killedAt = await (async () => {
      await world.server.request('POST', `/api/v1/webhook-endpoints/${endpoint.body.id}/test`, { token });
      await expect.poll(() => arrivals.length, { timeout: 10_000 }).toBe(1);
      // Which child holds the connection: the one whose socket's local port is the request's remote port.
      const sender = children.find((c) => c.proc.pid && socketOwnedBy(c.proc.pid, arrivals[0]!.remotePort));
      for (const c of sender ? [sender] : children) c.proc.kill('SIGKILL');
      return Date.now();
    })();
    await expect.poll(() => arrivals.length, { timeout: 20_000, interval: 100 }).toBe(2);
    expect(arrivals[1]!.id).toBe(arrivals[0]!.id);
    // Not before the lease ran out (6 s from the claim, which came just before the first arrival).
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(5_000);
    await expect
      .poll(async () => {
        const res = await world.server.request(
          'GET',
          `/api/v1/webhook-endpoints/${endpoint.body.id}/deliveries`,
          {
            token,
          },
        );
        return res.body.data[0]?.status;
      })
      .toBe('delivered');
    console.log(
      `killed the sender; the other process delivered it again ${arrivals[1]!.at - killedAt} ms later`,
    );
    for (const r of held) r.destroy();
    receiver.close();
  }, 60_000);
});

/** Whether process `pid` has a TCP socket whose local port is `port` (from /proc: Linux). */
function socketOwnedBy(pid: number, port: number): boolean {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(m[1]!);
    } catch {
      // the descriptor closed meanwhile
    }
  }
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && inodes.has(cols[9] ?? '')) return true;
    }
  }
  return false;
}
