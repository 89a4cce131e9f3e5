// A webhook receiver in a process of its own (forked by webhooks.ts): B14's deliveries arrive here, not
// in the bench process where the load generator of "B1 beside deliveries" runs. It keeps each delivery's
// arrival time (the `webhook-id` header) and answers the parent's questions over IPC.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type Ask = { id: number; what: 'count' | 'arrivals' };

if (process.send && process.argv[2] === 'child') {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.set(String(req.headers['webhook-id']), performance.timeOrigin + performance.now());
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (ask: Ask) =>
    process.send!({ id: ask.id, answer: ask.what === 'count' ? arrivals.size : [...arrivals] }),
  );
  process.on('disconnect', () => process.exit(0));
}

/** The receiver process: its port, how many deliveries arrived, and when each did (epoch ms). */
export async function startReceiver() {
  const child = fork(new URL(import.meta.url).pathname, ['child'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  let next = 0;
  const ask = <T>(what: Ask['what']) =>
    new Promise<T>((resolve) => {
      const id = ++next;
      const onMessage = (m: { id: number; answer: T }) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m.answer);
      };
      child.on('message', onMessage);
      child.send({ id, what });
    });
  return {
    port,
    count: () => ask<number>('count'),
    arrivals: async () => new Map(await ask<[string, number][]>('arrivals')),
    stop: () => {
      child.disconnect();
      return new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    },
  };
}
