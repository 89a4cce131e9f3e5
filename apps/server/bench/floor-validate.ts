// How fast can any validation be on this machine? Runs B1's load against the bare route,
// `floor-validate-server.ts` (the same headers and answer as Keyward, a cached signature check and
// nothing else) and Keyward, in alternating rounds on the same token, and prints each against the bare
// route: what B1's goal (≥ 0.5×) asks of Keyward next to what the least implementation reaches here.
//
//   npx tsx bench/floor-validate.ts [rounds]                      (embedded)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/floor-validate.ts [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { api, benchSeat } from './api-client.js';
import { load } from './load.js';
import { benchServerEnv, cpuTicks, type Proc, startProcess } from './processes.js';

const ROUNDS = Number(process.argv[2] ?? 4);
const SECONDS = 3;
const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-floor-validate-'));
const env = benchServerEnv(dataDir);
const admin = process.env.DATABASE_URL
  ? postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} })
  : null;
const database = `keyward_floor_validate_${Date.now()}`;
if (admin) {
  await admin.unsafe(`create database ${database}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${database}`;
  env.DATABASE_URL = url.toString();
}
const started: Proc[] = [];
try {
  const keyward = await startProcess('src/cli/index.ts', ['serve'], env, '/health');
  started.push(keyward);
  const { validateBody: body } = await benchSeat(keyward.url, 'floor');
  const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString());
  const jwks = await api(keyward.url, null, 'GET', `/.well-known/jwks.json?account=${claims.account_id}`);
  const answer = await api(keyward.url, null, 'POST', '/api/v1/licensing/validate', body);
  if (!answer.valid) throw new Error(`Keyward did not validate the bench token: ${JSON.stringify(answer)}`);
  const floor = await startProcess(
    'bench/floor-validate-server.ts',
    [],
    {
      FLOOR_JWKS: JSON.stringify(jwks),
      FLOOR_ANSWER: JSON.stringify(answer),
    },
    '/',
  );
  started.push(floor);
  const bare = await startProcess('bench/bare-server.ts', [], {}, '/');
  started.push(bare);

  const sides = {
    bare: `${bare.url}/echo`,
    floor: `${floor.url}/validate`,
    keyward: `${keyward.url}/api/v1/licensing/validate`,
  };
  for (const url of Object.values(sides)) await load({ url, body, seconds: 2 });
  const totals = { bare: 0, floor: 0, keyward: 0 };
  // The server's own CPU per answer (user + system, all its threads): unlike req/s, it does not move
  // with the load generator's share of the two cores.
  const pids = { bare: bare.child.pid!, floor: floor.child.pid!, keyward: keyward.child.pid! };
  const cpu = {
    bare: { ticks: 0, requests: 0 },
    floor: { ticks: 0, requests: 0 },
    keyward: { ticks: 0, requests: 0 },
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const rps = { bare: 0, floor: 0, keyward: 0 };
    for (const side of ['bare', 'floor', 'keyward'] as const) {
      const ticks = cpuTicks(pids[side]);
      const r = await load({ url: sides[side], body, seconds: SECONDS });
      cpu[side].ticks += cpuTicks(pids[side]) - ticks;
      cpu[side].requests += r.total;
      if (r.errors || r.non2xx) throw new Error(`${side}: ${r.errors} errors, ${r.non2xx} non-2xx`);
      rps[side] = r.rps;
      totals[side] += r.rps;
    }
    console.log(
      `round ${round}: bare ${rps.bare}, floor ${rps.floor} (${(rps.floor / rps.bare).toFixed(2)}×), Keyward ${rps.keyward} (${(rps.keyward / rps.bare).toFixed(2)}×) req/s`,
    );
  }
  console.log(
    `all rounds: floor / bare = ${(totals.floor / totals.bare).toFixed(3)}, Keyward / bare = ${(totals.keyward / totals.bare).toFixed(3)}, Keyward / floor = ${(totals.keyward / totals.floor).toFixed(3)}`,
  );
  const perAnswer = (side: keyof typeof cpu) => ((cpu[side].ticks * 10_000) / cpu[side].requests).toFixed(1);
  console.log(
    `server CPU per answer: bare ${perAnswer('bare')} µs, floor ${perAnswer('floor')} µs, Keyward ${perAnswer('keyward')} µs`,
  );
} finally {
  for (const p of started.reverse()) await p.stop();
  if (admin) {
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}
