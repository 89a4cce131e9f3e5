import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export interface LoadOptions {
  url: string;
  body?: unknown;
  /** Called per request to build a distinct body (e.g. a new device per activation). */
  bodyFor?: (i: number) => unknown;
  connections?: number;
  seconds: number;
  /** Fixed offered rate (requests/s across all connections), for latency at a given load. */
  rate?: number;
  headers?: Record<string, string>;
}

/** Drives one endpoint with autocannon and returns req/s and latency percentiles (ms). */
export async function load(o: LoadOptions): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon(<autocannon.Options>{
    url: o.url,
    method: 'POST',
    connections: o.connections ?? 32,
    duration: o.seconds,
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
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}
