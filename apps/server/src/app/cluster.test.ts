import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** A process's environment, as the kernel keeps it. */
function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** The pids of a process's children (the primary's workers). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}

/** A run of `job` asked for through the API (a serving worker queues it), waited for until it ends. */
async function runJob(port: number, token: string, job: string) {
  const call = async (method: string, p: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    expect(res.status, p).toBeLessThan(300);
    return (await res.json()) as { id: string; state: string };
  };
  const queued = await call('POST', `/api/v1/jobs/${job}/runs`);
  for (let i = 0; i < 300; i++) {
    const run = await call('GET', `/api/v1/jobs/${job}/runs/${queued.id}`);
    if (run.state === 'completed' || run.state === 'failed') return run;
    await sleep(100);
  }
  throw new Error(`the ${job} run ${queued.id} did not end in 30 s`);
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

  it('`keyward worker` is refused, naming DATABASE_URL: the server does the background work itself', async () => {
    const env = { DATABASE_URL: '', KEYWARD_DATA_DIR: path.join(dir, 'embedded'), PORT: '0' };
    const worker = await runKeyward(['worker'], env, dir);
    expect(worker.code, worker.stderr).toBe(2);
    expect(worker.stderr).toMatch(/^keyward: `keyward worker` needs PostgreSQL \(DATABASE_URL\)/m);
  });
});

describe.skipIf(inject('databaseKind') !== 'postgres')(
  'keyward worker beside a server run with KEYWARD_JOBS=off',
  () => {
    it('works the runs the server queues, and stops on SIGTERM with exit 0', async () => {
      const scratch = await scratchPostgresDatabase(inject('databaseUrl'), 'keyward_worker');
      drops.push(scratch.drop);
      const port = await freePort();
      const owner = { email: 'owner@worker.test', password: 'quietly-harbor-violet-engine' };
      const env = {
        ...DEPLOYMENT,
        DATABASE_URL: scratch.url,
        KEYWARD_DATA_DIR: path.join(dir, 'worker'),
        ADMIN_EMAIL: owner.email,
        ADMIN_PASSWORD: owner.password,
      };
      const idle = await runKeyward(['worker'], { ...env, KEYWARD_JOBS: 'off' }, dir);
      expect(idle.code, idle.stderr).toBe(2);
      expect(idle.stderr).toMatch(/^keyward: A worker with KEYWARD_JOBS=off has nothing to do/m);

      const server = startKeyward(
        ['serve', '--workers', '1'],
        { ...env, KEYWARD_JOBS: 'off', PORT: String(port) },
        dir,
      );
      const worker = startKeyward(['worker'], env, dir);
      running.push(server, worker);
      const both = () => `${server.output()}\n--- worker ---\n${worker.output()}`;
      await until(
        'both run',
        () =>
          (server.output().includes('Keyward is running') || server.child.exitCode !== null) &&
          (worker.output().includes('Keyward worker is running') || worker.child.exitCode !== null),
        both,
        90_000,
      );
      expect(worker.child.exitCode, both()).toBeNull();
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(owner),
      });
      const { access_token } = (await login.json()) as { access_token: string };
      expect((await runJob(port, access_token, 'lifecycle')).state).toBe('completed');

      worker.child.kill('SIGTERM');
      expect((await worker.exited).code, both()).toBe(0);
      server.child.kill('SIGTERM');
      expect((await server.exited).code, both()).toBe(0);
    }, 150_000);
  },
);

describe.skipIf(inject('databaseKind') !== 'postgres')('keyward serve --workers 2 on PostgreSQL', () => {
  let run: KeywardProcess;
  let port: number;
  let workers: number[];
  let background: number;
  let token: string;
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
    background = Number(/in their own worker \(pid (\d+)\)/.exec(output())?.[1]);
    const email = /^\s+Email\s+(\S+)$/m.exec(output())![1];
    const password = /^\s+Password\s+(\S+)$/m.exec(output())![1];
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
  }, 120_000);

  it('serves from both workers; the banner and the first-start password are printed once', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20 && seen.size < 2; i++) seen.add(await health(port));
    expect([...seen].sort()).toEqual([...workers].sort());
    expect(output().match(/Keyward is running/g)).toHaveLength(1);
    expect(output().match(/First start: an owner was created/g)).toHaveLength(1);
  });

  it('does the jobs in a background worker of its own: the serving workers run with KEYWARD_JOBS=off', async () => {
    expect(background, output()).toBeGreaterThan(0);
    expect(childrenOf(run.child.pid!).sort()).toEqual([...workers, background].sort());
    expect(environOf(background).KEYWARD_WORKER_ROLE).toBe('background');
    expect(environOf(background).KEYWARD_JOBS).toBeUndefined();
    for (const pid of workers) {
      expect(environOf(pid).KEYWARD_WORKER_ROLE).toBe('http');
      expect(environOf(pid).KEYWARD_JOBS).toBe('off');
    }
    // Queued by whichever serving worker answers; only the background worker works runs.
    expect((await runJob(port, token, 'lifecycle')).state).toBe('completed');
  }, 60_000);

  it('restarts the background worker killed with -9; runs asked for afterwards are worked', async () => {
    process.kill(background, 'SIGKILL');
    const isBackground = (pid: number) => environOf(pid).KEYWARD_WORKER_ROLE === 'background';
    await until(
      'a new background worker runs',
      () => childrenOf(run.child.pid!).some((pid) => pid !== background && isBackground(pid)),
      output,
    );
    background = childrenOf(run.child.pid!).find(isBackground)!;
    expect((await runJob(port, token, 'lifecycle')).state).toBe('completed');
  }, 90_000);

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
    const children = childrenOf(run.child.pid!);
    expect(children).toHaveLength(3); // two serving, one background
    run.child.kill('SIGTERM');
    const exited = await run.exited;
    expect(exited.code, exited.stderr).toBe(0);
    for (const pid of children) expect(alive(pid)).toBe(false);
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
