import type pino from 'pino';
import { ensureDefaultAccount } from '../accounts/bootstrap.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../core/clock.js';
import type { AppContext } from '../core/context.js';
import type { OpenedDatabase } from '../db/open.js';
import { loadDemoDataAtStart } from '../first-run/service.js';
import type { App } from '../http/types.js';
import { buildApp } from './http-app.js';
import { openProcess } from './open-process.js';
import type { ProcessParts } from './parts.js';
import { stopOnSignal } from './stop-on-signal.js';

// Re-exported: the CLI commands open the database the same way the server does.
export { type OpenedDatabase, openDatabase } from '../db/open.js';

export interface RunningServer {
  app: App;
  ctx: AppContext;
  /** The process's caches, batchers and counters (tests reach into them). */
  parts: ProcessParts;
  url: string;
  /** Set when the first start generated the owner's password. */
  generatedAdmin?: { email: string; password: string };
  /** With `demo`: what became of the demo catalogue (loaded, already there, or why not). */
  demoData?: string;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Use an already open database (tests share one). */
  database?: OpenedDatabase;
  web?: boolean;
  installSignalHandlers?: boolean;
  /** Load the demo catalogue into the default account (`keyward serve --demo`). */
  demo?: boolean;
  /** Where logs go (default stdout); tests capture them to prove secrets are redacted. */
  logDestination?: pino.DestinationStream;
}

/**
 * Opens the process (`open-process.ts`: storage, start-up checks, migrations), bootstraps the first
 * account, starts the background parts, and listens.
 */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const { ctx, keyward, close: closeProcess } = await openProcess(config, opts);
  const { db, log } = ctx;
  const { parts } = keyward;
  const created = await ensureDefaultAccount(db, {
    email: config.adminEmail,
    password: config.adminPassword,
  });
  const demoData = opts.demo ? await loadDemoDataAtStart(db) : undefined;
  const state = { shuttingDown: false };
  const app = await buildApp(parts, { state, web: opts.web });
  await keyward.start();
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      state.shuttingDown = true;
      // Stop accepting and let in-flight requests finish. Keep-alive sockets that go idle during the drain
      // are closed as they do, or shutdown would wait for the keep-alive timeout.
      const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
      await app.close();
      clearInterval(reaper);
      await closeProcess();
    })();
    return closing;
  };
  if (opts.installSignalHandlers) stopOnSignal(close, log, ['SIGTERM', 'SIGINT']);
  return {
    app,
    ctx,
    parts,
    url,
    ...(created?.generatedPassword
      ? { generatedAdmin: { email: config.adminEmail, password: created.generatedPassword } }
      : {}),
    ...(demoData ? { demoData } : {}),
    close,
  };
}
