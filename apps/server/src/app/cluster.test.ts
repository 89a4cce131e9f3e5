import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, type KeywardProcess, runKeyward, startKeyward } from '../../test/support/cli.js';
import { scratchPostgresDatabase } from '../../test/support/fresh-database.js';

// Issue O: `keyward serve --workers N` as an operator runs it, real processes on a fresh PostgreSQL
// database: every worker serves, a killed worker is replaced while requests keep succeeding, SIGHUP
// replaces them all without a failed request, SIGTERM stops everything and exits 0.

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-cluster-'));
const running: KeywardProcess[] = [];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const drop of drops) await drop();
  rmSync(dir, { recursive: true, force: true });
});

// Every process of one deployment shares these.
const DEPLOYMENT = {
  KEYWARD_MASTER_KEY: 'cluster-test-master-key-0123456789abcdef',
  PUBLIC_URL: 'http://keyward.cluster.test',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET /health on a connection of its own (no keep-alive); the pid of the worker that answered. */
function health(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Number(res.headers['x-keyward-worker']))
          : reject(new Error(`status ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** A steady stream of requests from `loops` clients, one request in flight each. */
function requestStream(port: number, loops = 4) {
  const state = { running: true, ok: 0, failures: [] as string[], pids: [] as number[] };
  const clients = Array.from({ length: loops }, async () => {
    while (state.running) {
      try {
        state.pids.push(await health(port));
        state.ok++;
      } catch (err) {
        state.failures.push((err as Error).message);
      }
      await sleep(5);
    }
  });
  return {
    state,
    /** The pids that answered the last `n` requests. */
    recent: (n: number) => new Set(state.pids.slice(-n)),
    async stop() {
      state.running = false;
      await Promise.all(clients);
      return state;
    },
  };
}

async function until(what: string, check: () => boolean, output: () => string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}:\n${output().slice(-3000)}`);
    await sleep(100);
  }
}

describe('keyward serve --workers on the embedded database', () => {
  it('refuses more than one worker, naming DATABASE_URL; refuses a worker count that is no number', async () => {
    const env = { DATABASE_URL: '', KEYWARD_DATA_DIR: path.join(dir, 'embedded'), PORT: '0' };
    const two = await runKeyward(['serve', '--workers', '2'], env, dir);
    expect(two.code, two.stderr).toBe(2);
    expect(two.stderr).toMatch(/^keyward: --workers 2 needs PostgreSQL \(DATABASE_URL\)/m);
    const none = await runKeyward(['serve', '--workers', 'many'], env, dir);
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toMatch(/^keyward: --workers must be a whole number/m);
  });
});

describe.skipIf(inject('databaseKind') !== 'postgres')('keyward serve --workers 2 on PostgreSQL', () => {
  let run: KeywardProcess;
  let port: number;
  let workers: number[];
  const output = () => run.output();

  beforeAll(async () => {
    const scratch = await scratchPostgresDatabase(inject('databaseUrl'), 'keyward_cluster');
    drops.push(scratch.drop);
    port = await freePort();
    const env = {
      ...DEPLOYMENT,
      DATABASE_URL: scratch.url,
      KEYWARD_DATA_DIR: path.join(dir, 'pg'),
      PORT: String(port),
    };
    run = startKeyward(['serve', '--workers', '2'], env, dir);
    running.push(run);
    await until(
      'it is running',
      () => output().includes('Keyward is running') || run.child.exitCode !== null,
      output,
      90_000,
    );
    const pids = /Workers\s+2 \(pids (\d+), (\d+)\)/.exec(output());
    expect(pids, output()).not.toBeNull();
    workers = [Number(pids![1]), Number(pids![2])];
  }, 120_000);

  it('serves from both workers; the banner and the first-start password are printed once', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20 && seen.size < 2; i++) seen.add(await health(port));
    expect([...seen].sort()).toEqual([...workers].sort());
    expect(output().match(/Keyward is running/g)).toHaveLength(1);
    expect(output().match(/First start: an owner was created/g)).toHaveLength(1);
  });

  it("/metrics answers for the whole pool: every worker's requests counted once, database gauges not doubled", async () => {
    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-keyward-metrics')).toBeNull();
      const text = await res.text();
      const healthCount =
        /^keyward_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} (\d+)$/m;
      return { health: Number(healthCount.exec(text)?.[1] ?? 0), text };
    };
    const before = await scrape();
    const answered = new Set<number>();
    for (let i = 0; i < 30; i++) answered.add(await health(port));
    expect(answered.size).toBe(2); // both workers served some of them
    const after = await scrape();
    expect(after.health - before.health).toBe(30);
    expect(after.text.match(/^keyward_active_seats \d+$/gm)).toEqual(['keyward_active_seats 0']);
  });

  it('restarts a worker killed with -9; requests other than those in flight on it succeed', async () => {
    const [victim, survivor] = workers as [number, number];
    const stream = requestStream(port);
    await sleep(1000);
    process.kill(victim, 'SIGKILL');
    const isNew = (pid: number) => pid !== victim && pid !== survivor;
    await until('a new worker answers', () => stream.state.pids.some(isNew), output);
    await sleep(1000);
    const recent = stream.recent(40);
    const { ok, failures } = await stream.stop();
    // One request in flight per client at most could have been on the killed worker.
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(4);
    expect(ok).toBeGreaterThan(20);
    expect(recent.has(victim)).toBe(false);
    expect(recent.has(survivor)).toBe(true);
    const replacement = [...recent].find(isNew)!;
    expect(output()).toMatch(/worker exited unexpectedly/);
    workers = [survivor, replacement];
  }, 90_000);

  it('replaces every worker one at a time on SIGHUP without a failed request', async () => {
    const before = [...workers];
    const stream = requestStream(port);
    await sleep(500);
    run.child.kill('SIGHUP');
    await until(
      'both workers are new and the old ones gone',
      () => {
        const recent = stream.recent(20);
        return recent.size === 2 && before.every((pid) => !recent.has(pid) && !alive(pid));
      },
      output,
    );
    await sleep(500);
    workers = [...stream.recent(20)];
    const { ok, failures } = await stream.stop();
    expect(failures, failures.join('\n')).toEqual([]);
    expect(ok).toBeGreaterThan(20);
  }, 90_000);

  it('SIGTERM to the primary stops every worker and exits 0', async () => {
    run.child.kill('SIGTERM');
    const exited = await run.exited;
    expect(exited.code, exited.stderr).toBe(0);
    for (const pid of workers) expect(alive(pid)).toBe(false);
  }, 60_000);
});

describe.skipIf(inject('databaseKind') !== 'postgres')('workers that keep dying at start', () => {
  it('the primary gives up with a message and exits non-zero', async () => {
    const scratch = await scratchPostgresDatabase(inject('databaseUrl'), 'keyward_cluster');
    drops.push(scratch.drop);
    // The port is taken, so every worker fails to listen.
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const { port } = blocker.address() as net.AddressInfo;
      const env = {
        ...DEPLOYMENT,
        DATABASE_URL: scratch.url,
        KEYWARD_DATA_DIR: path.join(dir, 'dying'),
        PORT: String(port),
      };
      const result = await runKeyward(['serve', '--workers', '2'], env, dir, 120_000);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^keyward: workers keep dying at start \(5 in a row/m);
      expect(result.stderr).toMatch(/EADDRINUSE/);
      expect(result.stdout).not.toMatch(/Keyward is running/);
    } finally {
      blocker.close();
    }
  }, 150_000);
});
