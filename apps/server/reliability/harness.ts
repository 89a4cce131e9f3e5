// Shared by the reliability scenarios: fresh databases, server processes, the CLI, and the cleanups that
// run when a scenario ends whatever happened.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { type Proc, startProcess } from '../bench/processes.js';
import { startKeyward } from '../test/support/cli.js';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export const quick = process.argv.includes('--quick');
export const ADMIN = { email: 'rel@keyward.local', password: 'reliability-password-123' };
export const BASE_ENV = {
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  KEYWARD_MASTER_KEY: 'reliability-master-key-0123456789abcdef',
  // One issuer for every process of a database: a process on another PUBLIC_URL refuses to start.
  PUBLIC_URL: 'http://keyward.reliability.local',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000000000',
  CLIENT_RATE_LIMIT_PER_MINUTE: '1000000000',
  KEY_GUESSES_PER_MINUTE: '1000000000',
};
const PG = process.env.DATABASE_URL;

export const cleanups: Array<() => Promise<void>> = [];
/** Every server process started, so none outlives the run even if a cleanup stalls. */
export const children: ChildProcess[] = [];

export async function freshDatabase(): Promise<string> {
  if (!PG) throw new Error('DATABASE_URL is required (scenarios run several processes on PostgreSQL)');
  const admin = postgres(PG, { max: 1, onnotice: () => {} });
  const name = `keyward_rel_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.unsafe(`create database ${name}`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  });
  const url = new URL(PG);
  url.pathname = `/${name}`;
  return url.toString();
}

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-rel-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function api(base: string, token: string | null, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/** Starts `n` server processes on one database. `extra` adds to their environment. */
export async function servers(
  n: number,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<Proc[]> {
  const env = { ...BASE_ENV, ...extra, DATABASE_URL: databaseUrl, KEYWARD_DATA_DIR: tempDir() };
  const list: Proc[] = [];
  for (let i = 0; i < n; i++) {
    const p = await startProcess('src/cli/index.ts', ['serve'], env, '/health');
    children.push(p.child);
    list.push(p);
  }
  cleanups.push(async () => {
    // A process a scenario killed has no exit left to wait for (its exitCode stays null after a signal).
    for (const p of list) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
  });
  return list;
}

export async function issue(base: string, maxActivations: number | null) {
  const token = (await api(base, null, 'POST', '/api/v1/auth/login', ADMIN)).body.access_token as string;
  await api(base, token, 'POST', '/api/v1/demo-data', {}); // new accounts start with no plans; idempotent
  const plans = (await api(base, token, 'GET', '/api/v1/plans?limit=100')).body.data;
  const plan = plans.find((p: { code: string }) => p.code === 'professional');
  const license = (
    await api(base, token, 'POST', '/api/v1/licenses', { plan_id: plan.id, max_activations: maxActivations })
  ).body;
  return { token, license };
}

export const activate = (base: string, key: string, device: string) =>
  api(base, null, 'POST', '/api/v1/licensing/activate', {
    license_key: key,
    device_fingerprint: `fp-${device}`,
    device_info: { device_id: device },
  });

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs `keyward …` (from apps/server) to the end; killed after `timeoutMs` so a hang fails the scenario. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<CliRun> {
  const started = Date.now();
  const run = startKeyward(args, { ...BASE_ENV, ...env }, SERVER_DIR);
  children.push(run.child);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const { code, stdout, stderr } = await run.exited;
  clearTimeout(timer);
  return { code, stdout, stderr, seconds: (Date.now() - started) / 1000 };
}

/** Bounded wait for `fn` to return a value; undefined when the time is up. */
export async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}
