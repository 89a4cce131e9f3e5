// B6 (p50 at 1k vs 1M licenses) and B7 (analytics at 1M licenses): the measurements, run against
// servers whose databases run.ts has seeded (seed-scale.ts). The licenses and seats driven here are
// created through the API, so they are real; the bulk rows around them only make the tables big.
import { api, login } from './api-client.js';
import { type LoadResult, load, newDevices } from './load.js';

/** Licenses each side of B6 drives: fresh ones, so neither side inherits seats from earlier loads. */
export const PHASE_LICENSES = 100;

/**
 * Offered rates for B6: well under what this machine sustains even when busy, so the median is the
 * time a request takes, not time spent queueing (which at saturation swings with other load). Over one
 * connection: autocannon's rate limit lets each connection send its share of a second back to back when
 * the second starts, so 32 connections would arrive as bursts 32 wide (a bare echo route shows an 11 ms
 * median at 200 req/s that way, 0.5 ms over one).
 */
export const B6_RATES = { validate: 200, activate: 20 } as const;

/**
 * One server's side of B6: its own licenses, seats and tokens, and the two loads over them. With a
 * rate, exactly rate × seconds requests are sent and all are awaited (a timed stop would drop the
 * slowest ones still in flight and flatter the median).
 */
export interface Phase {
  validate(seconds: number, rate?: number): Promise<LoadResult>;
  activate(seconds: number, rate?: number): Promise<LoadResult>;
}

const paced = (seconds: number, rate?: number) =>
  rate ? { rate, amount: Math.round(rate * seconds), connections: 1 } : {};

/** Creates PHASE_LICENSES licenses with one seat each through the server's API. */
export async function preparePhase(url: string, label: string): Promise<Phase> {
  const token = await login(url);
  const call = (method: string, p: string, body?: unknown) => api(url, token, method, p, body);
  await call('POST', '/api/v1/demo-data', {}); // new accounts start empty; once loaded, this adds nothing
  const plans = await call('GET', '/api/v1/plans?limit=100');
  const plan = plans.data.find((p: { code: string }) => p.code === 'enterprise') ?? plans.data[0];
  const customer = await call('POST', '/api/v1/customers', { email: `b6-${label}@example.com` });
  const keys: string[] = [];
  const seats: Array<{ token: string; device_id: string }> = [];
  // Ten at a time: creating them is set-up, not what is measured.
  for (let i = 0; i < PHASE_LICENSES; i += 10) {
    const made = await Promise.all(
      Array.from({ length: 10 }, async (_, j) => {
        const lic = await call('POST', '/api/v1/licenses', {
          plan_id: plan.id,
          customer_id: customer.id,
          max_activations: null,
        });
        const device = `b6-${label}-${i + j}`;
        const act = await call('POST', '/api/v1/licensing/activate', {
          license_key: lic.key,
          device_fingerprint: `fp-${device}`,
          device_info: { device_id: device, platform: 'linux', app_version: '1.0.0' },
        });
        return { key: lic.key as string, seat: { token: act.signed_token as string, device_id: device } };
      }),
    );
    for (const m of made) {
      keys.push(m.key);
      seats.push(m.seat);
    }
  }
  // A 200 with valid: false (say, another issuer) is cheap and would flatter the figure.
  const check = await api(url, null, 'POST', '/api/v1/licensing/validate', seats[0]);
  if (!check.valid) throw new Error(`B6: ${url} answers ${check.code}, not VALID`);
  const newActivation = newDevices(keys, label);
  return {
    validate: (seconds, rate) =>
      load({
        url: `${url}/api/v1/licensing/validate`,
        seconds,
        keepTimes: true,
        ...paced(seconds, rate),
        bodyFor: (i) => seats[i % seats.length],
      }),
    activate: (seconds, rate) =>
      load({
        url: `${url}/api/v1/licensing/activate`,
        seconds,
        keepTimes: true,
        ...paced(seconds, rate),
        bodyFor: newActivation,
      }),
  };
}

export interface Latency {
  /** Median of every response time of every round (ms). */
  median: number;
  requests: number;
  non2xx: number;
}

function pooled(runs: LoadResult[]): Latency {
  const times = runs.flatMap((r) => r.times ?? []).sort((a, b) => a - b);
  return {
    median: times.length ? Math.round(times[times.length >> 1]! * 100) / 100 : Number.NaN,
    requests: times.length,
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
  };
}

export interface Comparison {
  validate: { small: Latency; big: Latency };
  activate: { small: Latency; big: Latency };
}

/**
 * Both servers run side by side and are measured in alternating short rounds (small, big, then big,
 * small), so load from anything else on the machine falls on both alike instead of on one phase.
 */
export async function compareInterleaved(
  small: Phase,
  big: Phase,
  o: { rounds: number; seconds: number; warmSeconds: number },
): Promise<Comparison> {
  for (const p of [small, big]) {
    await p.validate(o.warmSeconds);
    await p.activate(o.warmSeconds);
  }
  const runs = { validate: { small: [], big: [] }, activate: { small: [], big: [] } } as Record<
    'validate' | 'activate',
    { small: LoadResult[]; big: LoadResult[] }
  >;
  for (let r = 0; r < o.rounds; r++) {
    const order = r % 2 === 0 ? (['small', 'big'] as const) : (['big', 'small'] as const);
    for (const kind of ['validate', 'activate'] as const)
      for (const side of order) {
        const phase = side === 'small' ? small : big;
        runs[kind][side].push(await phase[kind](o.seconds, B6_RATES[kind]));
      }
  }
  return {
    validate: { small: pooled(runs.validate.small), big: pooled(runs.validate.big) },
    activate: { small: pooled(runs.activate.small), big: pooled(runs.activate.big) },
  };
}

export interface Timed {
  /** Median of the timed calls (ms). */
  median: number;
  /** The first call, on a cold process. */
  first: number;
  max: number;
}

/** Calls a staff GET endpoint `times` times in a row after one cold call; wall-clock ms per call. */
export async function timeEndpoint(url: string, token: string, path: string, times: number): Promise<Timed> {
  const once = async () => {
    const t0 = performance.now();
    const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET ${path} → ${res.status}`);
    return performance.now() - t0;
  };
  const first = await once();
  const runs: number[] = [];
  for (let i = 0; i < times; i++) runs.push(await once());
  runs.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x);
  return { median: r(runs[runs.length >> 1]!), first: r(first), max: r(runs[runs.length - 1]!) };
}

/** B7's two endpoints: the dashboard overview and the 90-day daily validation series. */
export const B7_ENDPOINTS = {
  overview: '/api/v1/analytics/overview',
  series: '/api/v1/analytics/timeseries?metric=validations&interval=day&range=90d',
} as const;
