// The floor under two latency goals: validate p99 ≤ 10 ms at half load while the lifecycle pass runs
// (issue J, B13) and while the daily compliance scan runs (issue M). On a shared 2-core machine the
// background work's database statements take a core that the validations, the server and the load
// generator share, whatever process sends them. So this measures the same work two ways, each on its own
// copy of one seeded database (seed-insight.ts: 1M licenses, 3M seats, evidence in 1 %):
// - floor: `keyward jobs run <job>` in a process of its own and the event sealer in another
//   (seal-loop.ts; the server on that copy runs neither), so only the database work and the cores it
//   takes are shared with the validating server;
// - worker: the layout `serve --workers N` runs (and `keyward worker` gives beside a server with
//   KEYWARD_JOBS=off): the run is asked for through the server's API and a `keyward worker` works it;
// - inline: one process does both, its job queue working the run beside the requests.
// Validations of one seat's token run at the same fixed rate (half the saturated rate) against the copy's
// server meanwhile, in 3 s windows; windows with nothing running on both servers, alternating, before,
// between and after, are the machine's own p99 at that rate.
//
//   DATABASE_URL=postgres://… LICENSES=1000000 [JOBS=lifecycle] npx tsx bench/background-floor.ts
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api } from './api-client.js';
import { type LoadResult, load } from './load.js';
import { benchServerEnv, type Proc, startProcess, startWorker } from './processes.js';
import { MASTER_KEY, OWNER, seedInsightDatabase } from './seed-insight.js';

const LICENSES = Number(process.env.LICENSES ?? 1_000_000);
const SERVER_DIR = path.dirname(path.dirname(new URL(import.meta.url).pathname));
/** JOBS=lifecycle (or compliance-scan) measures one of them. */
const JOBS = (process.env.JOBS?.split(',') ?? ['lifecycle', 'compliance-scan']) as string[];

interface Side {
  name: string;
  server: Proc;
  /** The `keyward worker` beside the server (the worker layout). */
  worker: Proc | null;
  databaseUrl: string;
  token: string;
  validate: { url: string; body: unknown };
  dataDir: string;
}

async function startSide(name: string, databaseUrl: string, jobs: 'off' | 'work'): Promise<Side> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `keyward-floor-${name}-`));
  const env = { ...benchServerEnv(dataDir), DATABASE_URL: databaseUrl, KEYWARD_MASTER_KEY: MASTER_KEY };
  const server = await startProcess('src/cli/index.ts', ['serve'], { ...env, KEYWARD_JOBS: jobs }, '/health');
  // The worker layout: the server works nothing, a `keyward worker` beside it does.
  const worker = name === 'worker' ? await startWorker({ ...env, KEYWARD_JOBS: 'work' }) : null;
  const token = (await api(server.url, null, 'POST', '/api/v1/auth/login', OWNER)).access_token as string;
  const plans = await api(server.url, token, 'GET', '/api/v1/plans?limit=100');
  const license = await api(server.url, token, 'POST', '/api/v1/licenses', {
    plan_id: plans.data[0].id,
    max_activations: null,
  });
  const activated = await api(server.url, null, 'POST', '/api/v1/licensing/activate', {
    license_key: license.key,
    device_fingerprint: `fp-${name}`,
    device_info: { device_id: `dev-${name}` },
  });
  const validate = {
    url: `${server.url}/api/v1/licensing/validate`,
    body: { token: activated.signed_token, device_id: `dev-${name}` },
  };
  return { name, server, worker, databaseUrl, token, validate, dataDir };
}

/**
 * `keyward jobs run <job>` in its own process on the side's database, with the event sealer running
 * beside it in another (the worker chains the events a pass writes as it goes: the floor must too);
 * its wall time.
 */
async function runInOwnProcess(side: Side, job: string) {
  const sealer = fork(path.join(SERVER_DIR, 'bench/seal-loop.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: side.databaseUrl },
  });
  await new Promise((resolve) => sealer.once('message', resolve));
  try {
    return await runJobCommand(side, job);
  } finally {
    sealer.kill('SIGTERM');
    await new Promise((resolve) => sealer.once('exit', resolve));
  }
}

function runJobCommand(side: Side, job: string) {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/keyward.mjs', 'jobs', 'run', job], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      ...benchServerEnv(side.dataDir),
      DATABASE_URL: side.databaseUrl,
      KEYWARD_MASTER_KEY: MASTER_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  return new Promise<{ seconds: number; output: string }>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - t0) / 1000, output: out.trim().split('\n').at(-1)! })
        : reject(new Error(`keyward jobs run ${job} exited ${code}:\n${out}`)),
    ),
  );
}

/** The job run by the side's server (its queue), waited for; its time by the queue's own clock. */
async function runInServer(side: Side, job: string) {
  const queued = await api(side.server.url, side.token, 'POST', `/api/v1/jobs/${job}/runs`, {});
  const runPath = `/api/v1/jobs/${job}/runs/${queued.id}`;
  for (;;) {
    const run = await api(side.server.url, side.token, 'GET', runPath);
    if (run.state === 'completed' || run.state === 'failed') {
      if (run.state === 'failed') throw new Error(`${job} failed: ${JSON.stringify(run.output)}`);
      const seconds = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
      return { seconds, output: JSON.stringify(run.output) };
    }
    // Once a second: the polls are requests to the measured server, which the floor does not make.
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Windows of validations at `rate` against the side until `work` settles. */
async function windowsDuring<T>(side: Side, rate: number, work: Promise<T>) {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  const windows: LoadResult[] = [];
  while (!done) windows.push(await load({ ...side.validate, seconds: 3, rate }));
  return { result: await settled, windows };
}

const p99s = (ls: LoadResult[]) => ls.map((l) => l.p99);
const describe = (ls: LoadResult[]) => {
  const v = p99s(ls);
  const sorted = [...v].sort((a, b) => a - b);
  return `${v.join(', ')} ms (median ${sorted[Math.floor(sorted.length / 2)]}, highest ${sorted.at(-1)}; p50 up to ${Math.max(...ls.map((l) => l.p50))} ms; non-2xx ${ls.reduce((n, l) => n + l.non2xx, 0)})`;
};

const seeded = await seedInsightDatabase(LICENSES);
const sides: Side[] = [];
try {
  // Every copy is made before any server connects: a template must have no sessions.
  const urls = [await seeded.copy(), await seeded.copy(), await seeded.copy()];
  sides.push(
    await startSide('floor', urls[0]!, 'off'),
    await startSide('worker', urls[1]!, 'off'),
    await startSide('inline', urls[2]!, 'work'),
  );
  const [floor, worker, inline] = sides as [Side, Side, Side];
  for (const side of sides) await load({ ...side.validate, seconds: 3 }); // warm-up
  const saturated = await Promise.all(
    sides.map(async (s) => (await load({ ...s.validate, seconds: 5 })).rps),
  );
  const rate = Math.max(100, Math.round(Math.min(...saturated) / 2));
  console.log(
    `validate saturated ${saturated.join(' / ')} req/s (floor / worker / inline); half: ${rate} req/s`,
  );
  const idle: LoadResult[] = [];
  const idleRound = async () => {
    for (const side of sides) idle.push(await load({ ...side.validate, seconds: 3, rate }));
  };
  await idleRound();
  for (const job of JOBS) {
    const runs = [
      ['floor, `keyward jobs run` in its own process', floor, () => runInOwnProcess(floor, job)],
      [
        'Keyward, asked through the server, worked by `keyward worker`',
        worker,
        () => runInServer(worker, job),
      ],
      ['Keyward, one process serving and working it', inline, () => runInServer(inline, job)],
    ] as const;
    console.log(`${job}:`);
    for (const [what, side, run] of runs) {
      const during = await windowsDuring(side, rate, run());
      console.log(`  ${what}: ${during.result.seconds.toFixed(1)} s; ${during.result.output}`);
      console.log(`    p99 per 3 s window: ${describe(during.windows)}`);
      await idleRound();
    }
  }
  console.log(`nothing running (each side in turn, between the runs): p99 per 3 s window: ${describe(idle)}`);
} finally {
  for (const side of sides) {
    await side.worker?.stop();
    await side.server.stop();
    rmSync(side.dataDir, { recursive: true, force: true });
  }
  await seeded.drop();
}
