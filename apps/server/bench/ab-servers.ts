// A/B of throughput between two Keyward servers, in alternating rounds, so a change can be judged on
// this noisy machine: the two sides differ only in what the environment (or their checkout) says.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/ab-servers.ts
//   LOAD=validate npx tsx bench/ab-servers.ts        (without DATABASE_URL: each side embedded)
//   LOAD=validate ENV_B='{"KEYWARD_JOBS":"off"}' DATABASE_URL=… npx tsx bench/ab-servers.ts
//
//   LOAD             activate (B3's load: new devices on every request, the default) or validate
//                    (B1's: one activated seat's token validated again and again)
//   DIR_A / DIR_B    the server directory of each side (another checkout's apps/server); default: this one
//   ENV_A / ENV_B    extra environment for a side's server, as JSON ('{"SOME_SETTING":"1"}')
//   SQL_A / SQL_B    SQL run on a side's database after the setup, before the load ('analyze')
//   ROUNDS, SECONDS  rounds per side (default 4) and seconds per round (default 4)
//
// Each side gets its own database (dropped at the end; embedded, its own data directory) and 200 licenses without a seat limit. Prints
// req/s per side and round, and Keyward's CPU per request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { api, createLicenseKeys, login } from './api-client.js';
import { load, newDevices } from './load.js';
import { benchServerEnv, cpuTicks, type Proc, startProcess } from './processes.js';

const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SECONDS = Number(process.env.SECONDS ?? 4);
const LICENSES = 200;
const LOAD = process.env.LOAD ?? 'activate';
if (LOAD !== 'activate' && LOAD !== 'validate') throw new Error('LOAD is activate or validate');
const admin = process.env.DATABASE_URL
  ? postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} })
  : null;

interface Side {
  tag: string;
  server: Proc;
  database: string;
  dataDir: string;
  run(seconds: number): ReturnType<typeof load>;
  requests: number;
  seconds: number;
  ticks: number;
  rounds: number[];
}

async function startSide(tag: string): Promise<Side> {
  const database = `keyward_ab_${tag.toLowerCase()}_${Date.now()}`;
  let url: URL | null = null;
  if (admin) {
    await admin.unsafe(`create database ${database}`);
    url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${database}`;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-ab-'));
  const env = {
    ...benchServerEnv(dataDir),
    ...(url ? { DATABASE_URL: url.toString() } : {}),
    ...JSON.parse(process.env[`ENV_${tag}`] ?? '{}'),
  };
  const server = await startProcess('src/cli/index.ts', ['serve'], env, '/health', process.env[`DIR_${tag}`]);
  const token = await login(server.url);
  // New accounts start with no plans; a checkout from before that has no such route and its plans already.
  await api(server.url, token, 'POST', '/api/v1/demo-data', {}).catch(() => {});
  const plans = await api(server.url, token, 'GET', '/api/v1/plans?limit=100');
  const plan = plans.data.find((p: { code: string }) => p.code === 'enterprise') ?? plans.data[0];
  const customer = await api(server.url, token, 'POST', '/api/v1/customers', { email: 'ab@example.com' });
  const keys = await createLicenseKeys(
    server.url,
    token,
    { plan_id: plan.id, customer_id: customer.id, max_activations: null },
    LICENSES,
  );
  const sql = process.env[`SQL_${tag}`];
  if (sql) {
    if (!url) throw new Error(`SQL_${tag} needs DATABASE_URL`);
    const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await db.unsafe(sql);
    await db.end();
  }
  let run: Side['run'];
  if (LOAD === 'activate') {
    const bodyFor = newDevices(keys, tag);
    run = (seconds) => load({ url: `${server.url}/api/v1/licensing/activate`, seconds, bodyFor });
  } else {
    const seat = newDevices(keys, tag)() as { device_info: { device_id: string } };
    const activated = await api(server.url, null, 'POST', '/api/v1/licensing/activate', seat);
    const body = { token: activated.signed_token, device_id: seat.device_info.device_id };
    run = (seconds) => load({ url: `${server.url}/api/v1/licensing/validate`, seconds, body });
  }
  return {
    tag,
    server,
    database,
    dataDir,
    run,
    requests: 0,
    seconds: 0,
    ticks: 0,
    rounds: [],
  };
}

const sides: Side[] = [];
try {
  sides.push(await startSide('A'), await startSide('B'));
  for (const side of sides) await side.run(3); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      const before = cpuTicks(side.server.child.pid!);
      const result = await side.run(SECONDS);
      side.ticks += cpuTicks(side.server.child.pid!) - before;
      side.requests += result.total;
      side.seconds += SECONDS;
      side.rounds.push(result.rps);
    }
  }
  for (const side of sides) {
    const rate = Math.round(side.requests / side.seconds);
    const cpu = Math.round((side.ticks * 10_000) / side.requests);
    console.log(
      `${side.tag}: ${rate} req/s (rounds ${side.rounds.join(', ')}), Keyward CPU ${cpu} µs/${LOAD === 'activate' ? 'activation' : 'validation'}, RSS ${side.server.rssMb()} MB`,
    );
  }
  console.log(`B/A = ${(sides[1]!.requests / sides[0]!.requests).toFixed(3)}`);
} finally {
  await Promise.all(sides.map((side) => side.server.stop()));
  for (const side of sides) {
    await admin?.unsafe(`drop database if exists ${side.database} with (force)`);
    rmSync(side.dataDir, { recursive: true, force: true });
  }
  await admin?.end();
}
