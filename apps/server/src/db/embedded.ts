import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.js';

/** A running embedded PostgreSQL (PGlite in a worker thread) reachable at `url`. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite on `<dataDir>/pg` behind a loopback socket. Holds the data-dir lock until stopped. */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const unlock = lockDataDir(dataDir);
  const pgDir = path.join(dataDir, 'pg');
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  const worker = new Worker(new URL('./embedded-worker.mjs', import.meta.url), {
    workerData: { pgDir },
    // The worker's own JavaScript only relays wire messages; a small young generation keeps its heap
    // (which, like the WASM memory, is not returned once grown) from adding tens of MB to the RSS.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`embedded database exited during start (code ${code})`)),
      );
      worker.on('message', (msg: { type: string; port?: number }) => {
        if (msg.type === 'ready' && msg.port) resolve(msg.port);
      });
    });
    worker.removeAllListeners('exit');
    return {
      url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5000);
          worker.on('message', (msg: { type: string }) => {
            if (msg.type === 'stopped') {
              clearTimeout(timer);
              resolve();
            }
          });
          worker.postMessage({ type: 'stop' });
        });
        await worker.terminate();
        unlock();
      },
    };
  } catch (err) {
    await worker.terminate();
    unlock();
    throw err;
  }
}
