// How fast can any activation be on this machine? Runs `floor-server.ts` (a seat row and its event in
// one batched durable commit, plus a signed token, and nothing else) against the bare route, with B3's
// load, in alternating rounds; prints the ratio that B3's goal (≥ 0.15×) is about.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/floor-activation.ts
//   FLOOR_SEAT_INDEXES=7 ...   the seat table with as many indexes as Keyward's `activations`
import postgres from 'postgres';
import { load, newDevices } from './load.js';
import { startProcess } from './processes.js';

const ROUNDS = 3;
const SECONDS = 4;
if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to a PostgreSQL server');
const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
const database = `keyward_floor_${Date.now()}`;
await admin.unsafe(`create database ${database}`);
const url = new URL(process.env.DATABASE_URL);
url.pathname = `/${database}`;
const bare = await startProcess('bench/bare-server.ts', [], {}, '/');
const floor = await startProcess('bench/floor-server.ts', [], { DATABASE_URL: url.toString() }, '/');
try {
  const keys = Array.from({ length: 200 }, (_, i) => `KEY-${i}-ABCD-EFGH-IJKL`);
  const bodyFor = newDevices(keys, 'floor');
  const activate = (seconds: number) => load({ url: `${floor.url}/activate`, seconds, bodyFor });
  const echo = (seconds: number) =>
    load({ url: `${bare.url}/echo`, seconds, body: { token: 'x'.repeat(900), device_id: 'bench-device' } });
  await echo(2);
  await activate(2);
  let bareTotal = 0;
  let floorTotal = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const b = await echo(SECONDS);
    const a = await activate(SECONDS);
    bareTotal += b.rps;
    floorTotal += a.rps;
    console.log(`bare ${b.rps} req/s, floor activation ${a.rps} req/s (p50 ${a.p50} ms)`);
  }
  console.log(`floor / bare = ${(floorTotal / bareTotal).toFixed(3)}`);
} finally {
  await bare.stop();
  await floor.stop();
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
}
