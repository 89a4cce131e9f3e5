import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/keyward.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Exited extends CliResult {
  signal: NodeJS.Signals | null;
}

export interface KeywardProcess {
  child: ChildProcess;
  /** Settles once the process has ended and its output is read to the end. */
  exited: Promise<Exited>;
  output(): string;
}

/**
 * Starts `keyward …` as its own process, as a user would run it (`bin/keyward.mjs`). Variables given
 * as undefined or '' are removed, so an empty DATABASE_URL means "embedded" as it would for a user.
 */
export function startKeyward(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): KeywardProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined || v === '') delete childEnv[k];
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<Exited>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited, output: () => stdout + stderr };
}

/** Runs `keyward …` to the end (killed after `timeoutMs`). */
export async function runKeyward(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  timeoutMs = 60_000,
): Promise<CliResult> {
  const run = startKeyward(args, env, cwd);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const { code, stdout, stderr } = await run.exited;
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A free loopback port (for a server told its port before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
