import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a caller-supplied request id may look like. */
const GIVEN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`, one per app. A caller's X-Request-Id is kept only when it looks like one (it is
 * logged and stored in the audit log): anything longer or stranger gets our own. Ours have a UUID's
 * form: a random part per app (unique across processes and restarts) and a counter in the last 12
 * digits. A `randomUUID()` per request cost a validation ~5 µs of the server's CPU (performance.md,
 * issue H 2026-12-06).
 */
export function requestIds(): (req: IncomingMessage) => string {
  const ours = randomUUID().slice(0, 24);
  let issued = 0;
  return (req) => {
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && GIVEN_ID.test(given)) return given;
    issued = (issued + 1) % 0x1000000000000;
    return ours + issued.toString(16).padStart(12, '0');
  };
}
