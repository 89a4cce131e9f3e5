import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookTarget } from './url-guard.js';

/** What one POST to an endpoint answered (status null: no answer — refused, reset, timed out). */
export interface SendResult {
  status: number | null;
  ms: number;
  /** The first 1 KB of the answer. */
  body: string | null;
  error: string | null;
}

const BODY_KEPT = 1024;
/** Past this much answer the connection is cut: nothing more is kept, and a receiver may stream forever. */
const BODY_READ_MAX = 64 * 1024;

// Connections are kept per host between deliveries (a receiver gets many in a row).
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * POSTs `body` to the target, connecting to the address it was resolved and checked to (a name that
 * resolves elsewhere by now is not asked again), within `timeoutMs` for the whole exchange.
 */
export function sendWebhook(
  target: WebhookTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const pinned: LookupFunction = (_host, options, done) => {
    if (options.all) done(null, [{ address: target.address, family: target.family }]);
    else (done as (e: null, a: string, f: number) => void)(null, target.address, target.family);
  };
  const transport = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = transport.request(
      target.url,
      {
        method: 'POST',
        agent: agents[target.url.protocol as 'http:' | 'https:'],
        lookup: pinned,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          if (read < BODY_KEPT) chunks.push(chunk);
          read += chunk.length;
          if (read > BODY_READ_MAX) res.destroy();
        });
        const done = () =>
          resolve({
            status: res.statusCode ?? null,
            ms: elapsed(),
            body: Buffer.concat(chunks).subarray(0, BODY_KEPT).toString('utf8'),
            error: null,
          });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('error', (err) => {
      const timedOut = err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR';
      resolve({
        status: null,
        ms: elapsed(),
        body: null,
        error: timedOut
          ? `No answer within ${timeoutMs / 1000} s`
          : `${(err as { code?: string }).code ?? 'ERROR'}: ${err.message}`,
      });
    });
    req.end(body);
  });
}
