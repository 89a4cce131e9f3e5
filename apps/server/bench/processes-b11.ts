// B11: validate req/s with two server processes sharing PostgreSQL (and Redis) vs one, in one run.
// Both figures use the same two processes and the same 32 connections from this load generator:
// all 32 on process A, or 16 on A and 16 on B at the same time, req/s summed; in alternating rounds,
// so load from other work on the machine falls on both alike. run.ts starts the processes (with
// b11Env) alongside another one, to pay the start-up time once.
import { createConnection } from 'node:net';
import { load } from './load.js';
import type { Proc } from './processes.js';

/**
 * A Redis logical database of its own (13), so the bench's rate-limit counters never meet those of
 * tests running against the same Redis. BENCH_REDIS_URL overrides it.
 */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';

/** True when something accepts TCP connections at the Redis URL's host and port. */
export function redisReachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface MultiProcessResult {
  /** Requests per second over all rounds: one process, and both together. */
  rpsOne: number;
  rpsTwo: number;
  /** Each process's share of the two-process requests. */
  twoSplit: [number, number];
  non2xx: number;
}

/** The environment of B11's processes: the run's, plus Redis when one answers. */
export async function b11Env(
  env: Record<string, string>,
): Promise<{ env: Record<string, string>; redis: boolean }> {
  const redis = await redisReachable(BENCH_REDIS_URL);
  return { env: { ...env, ...(redis ? { REDIS_URL: BENCH_REDIS_URL } : {}) }, redis };
}

/** Measures two running processes (started with b11Env) and stops them, also on failure. */
export async function measureTwoProcesses(
  procs: [Proc, Proc],
  body: unknown,
  o: { rounds: number; seconds: number; warmSeconds: number },
): Promise<MultiProcessResult> {
  try {
    const [a, b] = procs;
    const validate = (p: Proc, seconds: number, connections: number) =>
      load({ url: `${p.url}/api/v1/licensing/validate`, body, seconds, connections });
    // Both processes must answer `valid: true`: a 200 with valid: false (e.g. another issuer) is cheap.
    for (const p of procs) {
      const res = await fetch(`${p.url}/api/v1/licensing/validate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { valid?: boolean; code?: string };
      if (!answer.valid) throw new Error(`B11: ${p.url} answers ${answer.code}, not VALID`);
    }
    await Promise.all([validate(a, o.warmSeconds, 16), validate(b, o.warmSeconds, 16)]);
    let one = 0;
    const two: [number, number] = [0, 0];
    let non2xx = 0;
    for (let r = 0; r < o.rounds; r++) {
      for (const both of r % 2 === 0 ? [false, true] : [true, false]) {
        if (!both) {
          const res = await validate(a, o.seconds, 32);
          one += res.total;
          non2xx += res.non2xx;
          continue;
        }
        const [ra, rb] = await Promise.all([validate(a, o.seconds, 16), validate(b, o.seconds, 16)]);
        two[0] += ra.total;
        two[1] += rb.total;
        non2xx += ra.non2xx + rb.non2xx;
      }
    }
    const perSecond = (n: number) => Math.round(n / (o.rounds * o.seconds));
    return {
      rpsOne: perSecond(one),
      rpsTwo: perSecond(two[0] + two[1]),
      twoSplit: [perSecond(two[0]), perSecond(two[1])],
      non2xx,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}
