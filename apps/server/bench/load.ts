import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  /** Every 2xx response time (ms, fractional), when `keepTimes` was asked for. */
  times?: number[];
}

export interface LoadOptions {
  url: string;
  body?: unknown;
  /** Called per request to build a distinct body (e.g. a new device per activation). */
  bodyFor?: (i: number) => unknown;
  connections?: number;
  seconds: number;
  /** Send exactly this many requests (at `rate`) and wait for every answer, instead of stopping at `seconds`. */
  amount?: number;
  /** Fixed offered rate (requests/s across all connections), for latency at a given load. */
  rate?: number;
  headers?: Record<string, string>;
  /** Also keep every response time: autocannon's percentiles are whole milliseconds, too coarse for ratios of ~2 ms. */
  keepTimes?: boolean;
}

/**
 * Activation bodies for a new device on every call, over `keys` in turn; the counter lives with the
 * function, so several loads from one of them never repeat a device.
 */
export function newDevices(keys: readonly string[], label: string): () => unknown {
  let n = 0;
  return () => {
    const i = n++;
    return {
      license_key: keys[i % keys.length],
      device_fingerprint: `fp-${label}-${i}`,
      device_info: { device_id: `dev-${label}-${i}`, platform: 'linux', app_version: '1.0.0' },
    };
  };
}

/** Drives one endpoint with autocannon and returns req/s and latency percentiles (ms). */
export async function load(o: LoadOptions): Promise<LoadResult> {
  let i = 0;
  // Without a callback autocannon returns its event emitter, which is also a promise of the result.
  const instance = autocannon(<autocannon.Options>{
    url: o.url,
    method: 'POST',
    connections: o.connections ?? 32,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds }),
    headers: { 'content-type': 'application/json', ...(o.headers ?? {}) },
    ...(o.rate ? { overallRate: o.rate } : {}),
    ...(o.bodyFor
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify(o.bodyFor!(i++)) }),
            },
          ],
        }
      : { body: JSON.stringify(o.body ?? {}) }),
  }) as Promise<autocannon.Result> & autocannon.Instance;
  const times: number[] = [];
  if (o.keepTimes)
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status < 300) times.push(ms);
    });
  const result = await instance;
  return {
    ...(o.keepTimes ? { times } : {}),
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/**
 * Two loads in alternating rounds (a, b, a, b …), each side's figures pooled: on a shared machine a
 * ratio of two back-to-back runs drifts with whatever else the machine did meanwhile.
 */
export async function alternate(
  a: LoadOptions,
  b: LoadOptions,
  rounds: number,
): Promise<[LoadResult, LoadResult]> {
  const runs: [LoadResult[], LoadResult[]] = [[], []];
  for (let i = 0; i < rounds; i++) {
    runs[0].push(await load(a));
    runs[1].push(await load(b));
  }
  return [pool(runs[0]), pool(runs[1])];
}

function pool(results: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    rps: Math.round(sum((r) => r.rps) / results.length),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    total: sum((r) => r.total),
  };
}
