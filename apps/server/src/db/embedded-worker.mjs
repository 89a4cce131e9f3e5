// Runs PGlite (embedded PostgreSQL in WASM) in a worker thread behind a loopback socket,
// so a slow query never blocks the HTTP event loop. Plain JS: loaded without a TS loader.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

// PGlite's own start parameters (0.5.14's defaultStartParams) plus smaller memory settings: the WASM
// heap grows to what PostgreSQL touches and never shrinks, and with the stock 128 MB shared_buffers the
// process sat above 600 MB after a bench. Files are read through the OS page cache, so a small buffer
// pool costs little here.
const START_PARAMS = [
  ...['--single', '-F', '-O', '-j'],
  ...['-c', 'search_path=public', '-c', 'exit_on_error=false', '-c', 'log_checkpoints=false'],
  ...[
    '-c',
    'max_worker_processes=0',
    '-c',
    'max_parallel_workers=0',
    '-c',
    'max_parallel_workers_per_gather=0',
  ],
  ...['-c', 'io_method=sync', '-c', 'max_parallel_maintenance_workers=0'],
  ...['-c', 'shared_buffers=8MB', '-c', 'maintenance_work_mem=16MB'],
];
const db = await PGlite.create({ dataDir: workerData.pgDir, startParams: START_PARAMS });
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
