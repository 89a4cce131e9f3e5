// B14 (issue K): webhook delivery from one Keyward process to a local receiver, signed.
//
//   npx tsx bench/webhooks.ts [--quick]             (embedded engine)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/webhooks.ts
//
// Throughput: a burst of events recorded at once (one statement; the fan-out trigger queues a delivery
// for each), timed from the commit until the receiver has every one. Latency: events recorded at half
// that rate in small batches; each delivery's latency is its arrival minus the event's commit.
// Beside B1: validate throughput on the same process in alternating rounds, alone and while events are
// delivered at a steady rate (to a receiver in a process of its own, webhook-receiver.ts, so the load
// generator does not share its process with it); with the server's CPU per validation and per
// delivery, to tell apart the CPU the deliveries need for themselves (on 2 cores B1 already fills, it
// comes out of validations) from any interference (locks, stalls: the CPU per validation would rise).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { api, login } from './api-client.js';
import { load } from './load.js';
import { benchServerEnv, cpuTicks, startProcess } from './processes.js';
import { startReceiver } from './webhook-receiver.js';

const quick = process.argv.includes('--quick');
const BURST = quick ? 5_000 : 20_000;
const LATENCY_SECONDS = quick ? 5 : 10;
const BESIDE_ROUNDS = quick ? 2 : 4;
const BESIDE_SECONDS = 4;
/** The steady delivery rate B1 is measured beside: a busy vendor's traffic (8.6 M deliveries a day). */
const BESIDE_RATE = 100;

export interface WebhookBench {
  burst: number;
  burstSeconds: number;
  perSecond: number;
  rate: number;
  delivered: number;
  p50: number;
  p99: number;
  /** The server's CPU per delivery in the burst (µs). */
  cpuPerDelivery: number;
  beside: {
    rate: number;
    alone: number;
    withDeliveries: number;
    /** Each round's req/s, alone and beside deliveries (the spread between rounds is the noise). */
    roundsAlone: number[];
    roundsBeside: number[];
    /** Server CPU per validation (µs), alone and beside deliveries (their share taken out). */
    cpuAlone: number;
    cpuBeside: number;
  };
}

/** Runs B14 against a server started here on `env`'s database; `sqlUrl` reaches that database. */
export async function benchWebhooks(env: Record<string, string>, sqlUrl: string): Promise<WebhookBench> {
  const receiver = await startReceiver();
  const port = receiver.port;
  const server = await startProcess(
    'src/cli/index.ts',
    ['serve'],
    { ...env, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
    '/health',
  );
  const sql = postgres(sqlUrl, { max: 2, onnotice: () => {} });
  try {
    const token = await login(server.url);
    const endpoint = await api(server.url, token, 'POST', '/api/v1/webhook-endpoints', {
      url: `http://127.0.0.1:${port}/hook`,
      event_types: ['bench.*'],
    });
    const [owner] = await sql<{ account_id: string }[]>`
      select account_id from webhook_endpoints where id = ${endpoint.id}`;
    const accountId = owner!.account_id;
    // Events as the server records them (a row hash each); the trigger fans them out on commit.
    const record = async (n: number) => {
      const started = performance.timeOrigin + performance.now();
      await sql`
        insert into events (account_id, type, actor_type, subject_type, subject_id, data, created_at, row_hash)
        select ${accountId}, 'bench.event', 'system', 'bench', i::text, jsonb_build_object('i', i), now(),
          md5(i::text) || md5(i::text)
        from generate_series(1, ${n}) i`;
      return started;
    };
    const deliveryIds = async (since: number) =>
      sql<
        { id: string }[]
      >`select id from webhook_deliveries where endpoint_id = ${endpoint.id} and event_id > ${since}`;
    const lastEvent = async () =>
      Number((await sql<{ n: string }[]>`select coalesce(max(id), 0)::text as n from events`)[0]!.n);

    // Throughput.
    const pid = server.child.pid!;
    const before = await lastEvent();
    const ticksBefore = cpuTicks(pid);
    const t0 = await record(BURST);
    const burstIds = await deliveryIds(before);
    // Only this endpoint delivers there, and nothing before the burst.
    while ((await receiver.count()) < BURST) await new Promise((r) => setTimeout(r, 50));
    let arrivals = await receiver.arrivals();
    const burstSeconds = (Math.max(...burstIds.map((d) => arrivals.get(d.id)!)) - t0) / 1000;
    const perSecond = Math.round(BURST / burstSeconds);
    const cpuPerDelivery = Math.round(((cpuTicks(pid) - ticksBefore) * 10_000) / BURST);

    // Latency at half that rate, in batches every 50 ms.
    const rate = Math.round(perSecond / 2);
    const perBatch = Math.max(1, Math.round(rate / 20));
    const latencies: number[] = [];
    const start = await lastEvent();
    const commits: { since: number; at: number }[] = [];
    const end = Date.now() + LATENCY_SECONDS * 1000;
    while (Date.now() < end) {
      const since = await lastEvent();
      await record(perBatch);
      // Committed once the insert returns: latency counts from here.
      commits.push({ since, at: performance.timeOrigin + performance.now() });
      await new Promise((r) => setTimeout(r, 50));
    }
    const all = await sql<{ id: string; event_id: string }[]>`
      select id, event_id::text from webhook_deliveries where endpoint_id = ${endpoint.id} and event_id > ${start}`;
    const deadline = Date.now() + 30_000;
    while ((await receiver.count()) < BURST + all.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    arrivals = await receiver.arrivals();
    for (const d of all) {
      const commit = [...commits].reverse().find((c) => Number(d.event_id) > c.since);
      if (commit && arrivals.has(d.id)) latencies.push(arrivals.get(d.id)! - commit.at);
    }
    const beside = await besideB1(server.url, token, pid, record, cpuPerDelivery);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!);
    return {
      burst: BURST,
      burstSeconds,
      perSecond,
      rate,
      delivered: latencies.length,
      p50: pct(0.5),
      p99: pct(0.99),
      cpuPerDelivery,
      beside,
    };
  } finally {
    await sql.end();
    await server.stop();
    await receiver.stop();
  }
}

/**
 * B1 on this server in alternating rounds: alone, and while events are recorded (and so delivered) at
 * BESIDE_RATE per second in batches every 50 ms.
 */
async function besideB1(
  url: string,
  token: string,
  pid: number,
  record: (n: number) => Promise<number>,
  cpuPerDelivery: number,
): Promise<WebhookBench['beside']> {
  await api(url, token, 'POST', '/api/v1/demo-data', {});
  const plans = await api(url, token, 'GET', '/api/v1/plans?limit=100');
  const plan = plans.data.find((p: { code: string }) => p.code === 'enterprise') ?? plans.data[0];
  const license = await api(url, token, 'POST', '/api/v1/licenses', {
    plan_id: plan.id,
    max_activations: null,
  });
  const device = { device_id: 'bench-beside', platform: 'linux', app_version: '1.0.0' };
  const seat = await api(url, null, 'POST', '/api/v1/licensing/activate', {
    license_key: license.key,
    device_fingerprint: 'fp-bench-beside',
    device_info: device,
  });
  const validate = () =>
    load({
      url: `${url}/api/v1/licensing/validate`,
      body: { token: seat.signed_token, device_id: device.device_id },
      seconds: BESIDE_SECONDS,
    });
  await validate(); // warm-up
  const sides = {
    alone: { requests: 0, ticks: 0, rounds: [] as number[] },
    beside: { requests: 0, ticks: 0, delivered: 0, rounds: [] as number[] },
  };
  for (let round = 0; round < BESIDE_ROUNDS; round++) {
    let before = cpuTicks(pid);
    const alone = (await validate()).total;
    sides.alone.requests += alone;
    sides.alone.rounds.push(Math.round(alone / BESIDE_SECONDS));
    sides.alone.ticks += cpuTicks(pid) - before;

    let running = true;
    const recorder = (async () => {
      const perBatch = Math.max(1, Math.round(BESIDE_RATE / 20));
      while (running) {
        await record(perBatch);
        sides.beside.delivered += perBatch;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    before = cpuTicks(pid);
    const beside = (await validate()).total;
    sides.beside.requests += beside;
    sides.beside.rounds.push(Math.round(beside / BESIDE_SECONDS));
    sides.beside.ticks += cpuTicks(pid) - before;
    running = false;
    await recorder;
  }
  const seconds = BESIDE_ROUNDS * BESIDE_SECONDS;
  const deliveryTicks = (sides.beside.delivered * cpuPerDelivery) / 10_000;
  return {
    rate: BESIDE_RATE,
    alone: Math.round(sides.alone.requests / seconds),
    withDeliveries: Math.round(sides.beside.requests / seconds),
    roundsAlone: sides.alone.rounds,
    roundsBeside: sides.beside.rounds,
    cpuAlone: Math.round((sides.alone.ticks * 10_000) / sides.alone.requests),
    cpuBeside: Math.round(((sides.beside.ticks - deliveryTicks) * 10_000) / sides.beside.requests),
  };
}

// Run on its own: a fresh database (or data directory) for this run.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-webhooks-'));
  const env = benchServerEnv(dataDir);
  let drop: (() => Promise<void>) | null = null;
  let sqlUrl: string;
  if (process.env.DATABASE_URL) {
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    const db = `keyward_webhooks_${Date.now()}`;
    await admin.unsafe(`create database ${db}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${db}`;
    env.DATABASE_URL = sqlUrl = url.toString();
    drop = async () => {
      await admin.unsafe(`drop database if exists ${db} with (force)`);
      await admin.end();
    };
  } else {
    throw new Error(
      'bench/webhooks.ts on its own needs DATABASE_URL (the bench reaches the embedded engine through the server)',
    );
  }
  try {
    console.log(JSON.stringify(await benchWebhooks(env, sqlUrl)));
  } finally {
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
