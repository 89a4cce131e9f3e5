import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { testConfig } from './server.js';

const SERVER_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** A real Keyward server process (test/support/clocked-server.ts) on the run's PostgreSQL database. */
export interface ChildServer {
  url: string;
  proc: ChildProcess;
  /** What it wrote to stdout and stderr so far. */
  output: () => string;
}

/**
 * Starts a server process as `keyward serve` would run, its clock read from `clockFile`, its data
 * directory under `dir`; `env` adds to the environment (KEYWARD_JOBS, timeouts …).
 */
export function startChildServer(
  name: string,
  dir: string,
  clockFile: string,
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const config = testConfig();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/clocked-server.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      KEYWARD_MASTER_KEY: 'test-master-key-test-master-key-0123456789',
      KEYWARD_DATA_DIR: path.join(dir, name),
      PUBLIC_URL: config.publicUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      KEYWARD_TEST_CLOCK_FILE: clockFile,
      RATE_LIMIT_PER_MINUTE: '1000000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  proc.stderr!.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 60_000);
    proc.stdout!.on('data', () => {
      const url = /test-server-url (\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, proc, output: () => out });
      }
    });
    proc.on('exit', (code) => reject(new Error(`${name} exited (${code}):\n${out}`)));
  });
}
