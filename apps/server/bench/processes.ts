import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/cli.js';
import { ADMIN } from './api-client.js';

export { freePort };

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

/** User + system CPU time of a process, in clock ticks (10 ms). */
export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export interface Proc {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
  rssMb(): number;
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${url}:\n${output()}`);
}

const SERVER_ENTRY = 'src/cli/index.ts';

/** What every Keyward server the bench starts runs with, on its own data directory. */
export function benchServerEnv(dataDir: string): Record<string, string> {
  return {
    KEYWARD_DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    KEYWARD_MASTER_KEY: 'bench-master-key-bench-master-key-0123456789',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    CLIENT_RATE_LIMIT_PER_MINUTE: '1000000000',
    KEY_GUESSES_PER_MINUTE: '1000000000',
    NODE_ENV: 'production',
    // One issuer for every process: tokens carry `iss`, and another process's tokens would be invalid.
    PUBLIC_URL: 'http://keyward.bench.local',
  };
}

/**
 * Starts a TypeScript entry point as its own Node process and waits until `readyPath` answers.
 * `serverDir` runs it from another checkout's apps/server (an A/B between builds).
 */
export async function startProcess(
  entry: string,
  args: string[],
  env: Record<string, string>,
  readyPath: string,
  serverDir = SERVER_DIR,
): Promise<Proc> {
  const port = await freePort();
  let out = '';
  // Keyward starts as `npm start` does (bin/keyward.mjs runs the JavaScript bundle); other entry points
  // through `--import tsx`, which keeps them in this child process (the tsx CLI would add a wrapper).
  // BENCH_NODE_ARGS adds Node flags to Keyward's processes, e.g. `--cpu-prof` or `--perf-basic-prof`.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // One process per server, as the figures were measured: `serve` now defaults to one worker per core
  // on PostgreSQL. Another checkout may predate `--workers`.
  const serverArgs =
    args[0] === 'serve' &&
    !args.includes('--workers') &&
    existsSync(path.join(serverDir, 'src/app/cluster.ts'))
      ? [...args, '--workers', '1']
      : args;
  const argv =
    entry === SERVER_ENTRY
      ? [...nodeArgs, 'bin/keyward.mjs', ...serverArgs]
      : ['--import', 'tsx', entry, ...serverArgs];
  const child = spawn(process.execPath, argv, {
    cwd: serverDir,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out = (out + d).slice(-4000);
  });
  child.stderr?.on('data', (d) => {
    out = (out + d).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url + readyPath, 120_000, child, () => out);
  return {
    child,
    url,
    rssMb() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        return Math.round(kb / 1024);
      } catch {
        return 0;
      }
    },
    stop: stopper(child),
  };
}

/** A child process and how to stop it (SIGTERM, then SIGKILL after 10 s). */
function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * `keyward worker` (the background work alone) on `env`'s database, once it says it runs: beside a
 * server started with KEYWARD_JOBS=off, the layout `serve --workers N` runs.
 */
export async function startWorker(env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, ['bin/keyward.mjs', 'worker'], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out = (out + d).slice(-4000);
      if (out.includes('Keyward worker is running')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`keyward worker exited (${code}):\n${out}`)));
  });
  return { child, url: '', stop: stopper(child), rssMb: () => 0 };
}
