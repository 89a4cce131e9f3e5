import { createHmac, timingSafeEqual } from 'node:crypto';
import { KeywardError } from './errors.js';

/** What a Keyward webhook delivers: one event of the audit log in Standard Webhooks' envelope. */
export interface WebhookEvent<Details = Record<string, unknown>> {
  type: string;
  timestamp: string;
  data: {
    event_id: string;
    account_id: string;
    subject: { type: string; id: string } | null;
    actor: { type: string; id: string | null };
    details: Details;
  };
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

function invalid(message: string): never {
  throw new KeywardError('WEBHOOK_SIGNATURE_INVALID', message);
}

/**
 * Verifies a Keyward webhook (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`)
 * against the endpoint's secret(s) and returns its event; throws `WEBHOOK_SIGNATURE_INVALID` otherwise.
 * Pass the raw body exactly as received: JSON parsed and serialised again does not verify. A timestamp
 * more than `toleranceSeconds` (default 300) from now is refused, so a captured delivery cannot be
 * replayed later; deduplicate on `webhook-id` for the rest.
 *
 * @example
 * app.post('/keyward/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = verifyWebhook(process.env.KEYWARD_WEBHOOK_SECRET!, req.body, req.headers);
 *   res.sendStatus(204);
 * });
 */
export function verifyWebhook<Details = Record<string, unknown>>(
  secret: string | readonly string[],
  rawBody: string | Uint8Array,
  headers: HeaderBag,
  opts: { toleranceSeconds?: number; now?: () => number } = {},
): WebhookEvent<Details> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    invalid('The webhook-id, webhook-timestamp and webhook-signature headers are required');
  const seconds = Number(timestamp);
  const now = (opts.now ?? Date.now)() / 1000;
  if (!Number.isInteger(seconds) || Math.abs(now - seconds) > (opts.toleranceSeconds ?? 300))
    invalid('The webhook timestamp is missing or too far from now');
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const s of typeof secret === 'string' ? [secret] : secret) {
    const key = Buffer.from(s.startsWith('whsec_') ? s.slice(6) : s, 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest();
    if (offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected)))
      return JSON.parse(body) as WebhookEvent<Details>;
  }
  return invalid('No webhook signature matches the secret');
}
