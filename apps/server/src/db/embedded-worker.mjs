// Runs PGlite (embedded PostgreSQL in WASM) in a worker thread behind a loopback socket,
// so a slow query never blocks the HTTP event loop. Plain JS: loaded without a TS loader.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const db = await PGlite.create({ dataDir: workerData.pgDir });
const server = new PGLiteSocketServer({
  db,
  host: '127.0.0.1',
  port: workerData.port ?? 0,
  maxConnections: 1,
});
await server.start();
const conn = server.getServerConn();
parentPort.postMessage({ type: 'ready', port: Number(conn.split(':').pop()) });

parentPort.on('message', async (msg) => {
  if (msg?.type !== 'stop') return;
  try {
    await server.stop();
    await db.close();
  } finally {
    parentPort.postMessage({ type: 'stopped' });
  }
});
