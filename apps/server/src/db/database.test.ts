import net from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, isConnectionError } from './database.js';

/** Forwards to the run's database until `cut()` destroys every connection, as a stopped server would. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cut() {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a transaction whose connection closes mid-query', () => {
  const uncaught: unknown[] = [];
  const record = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', record);
  afterAll(() => {
    process.off('uncaughtException', record);
  });

  it('rejects with a connection error (503 upstream) and the process survives', async () => {
    const proxy = await cuttableProxy(new URL(inject('databaseUrl')));
    const db = connectDatabase(proxy.url, inject('databaseKind'));
    try {
      await db.sql`select 1`;
      const tx = db.tx(async (q) => {
        await q`select 1`;
        await q`select pg_sleep(1)`;
        return 'committed';
      });
      setTimeout(() => proxy.cut(), 200);
      const err = await tx.then(
        () => new Error('the transaction should have failed'),
        (e: unknown) => e,
      );
      expect(isConnectionError(err), String(err)).toBe(true);
      // postgres.js would have written ROLLBACK to the closed socket on the next turn and crashed.
      await new Promise((r) => setTimeout(r, 300));
      expect(uncaught).toEqual([]);
    } finally {
      await db.sql.end({ timeout: 1 }).catch(() => {});
      await proxy.close();
    }
  });
});

describe('statements', () => {
  it('are prepared once per connection on both engines, and the embedded engine keeps its connection', async () => {
    const db = connectDatabase(inject('databaseUrl'), inject('databaseKind'));
    try {
      // One transaction: one connection, whose prepared statements pg_prepared_statements lists.
      const prepared = await db.sql.begin(async (tx) => {
        for (let i = 0; i < 3; i++) await tx`select 41 + ${i}::int as answer`;
        return tx<{ statement: string }[]>`
          select statement from pg_prepared_statements where statement like 'select 41 + %'`;
      });
      expect(prepared).toHaveLength(1);
      // postgres.js would otherwise reconnect every 30–60 minutes, stranding them in PGlite's one backend.
      const { max_lifetime } = (db.sql as unknown as { options: { max_lifetime: unknown } }).options;
      expect(Boolean(max_lifetime)).toBe(inject('databaseKind') !== 'embedded');
    } finally {
      await db.close();
    }
  });
});
