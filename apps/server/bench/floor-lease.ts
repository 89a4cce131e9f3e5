// How fast can any durable lease renewal be on this machine? Runs `floor-lease-server.ts` (one batched
// UPDATE per group of renewals and nothing else) against the bare route, with B12's load, in alternating
// rounds; prints the ratio that B12's goal (≥ 0.25×) is about. Embedded engine by default:
//
//   npx tsx bench/floor-lease.ts
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/floor-lease.ts
import { alternate } from './load.js';
import { startProcess } from './processes.js';

const body = { token: 'x'.repeat(900), device_id: 'bench-lease-device' };
const bare = await startProcess('bench/bare-server.ts', [], {}, '/');
const floor = await startProcess('bench/floor-lease-server.ts', [], {}, '/heartbeat');
try {
  const [b, f] = await alternate(
    { url: `${bare.url}/echo`, body, seconds: 4 },
    { url: `${floor.url}/heartbeat`, body, seconds: 4 },
    3,
  );
  console.log(`bare ${b.rps} req/s, floor lease renewal ${f.rps} req/s (p50 ${f.p50} ms)`);
  console.log(`floor / bare = ${(f.rps / b.rps).toFixed(3)}`);
} finally {
  await bare.stop();
  await floor.stop();
}
