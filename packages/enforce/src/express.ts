import type { Denial } from './denials.js';
import type { Enforcer } from './enforcer.js';
import type { ConcurrencyLimit, HourlyQuota } from './quota.js';

/** The parts of Express's req/res the middleware uses (no hard dependency on express). */
interface Req {
  headers: Record<string, string | string[] | undefined>;
}
interface Res {
  status(code: number): Res;
  set(headers: Record<string, string>): Res;
  json(body: unknown): unknown;
  once(event: 'close' | 'finish', fn: () => void): unknown;
}
type Next = (err?: unknown) => void;

const deny = (res: Res, d: Denial) => res.status(d.status).set(d.headers).json(d.body);

/**
 * Express middleware.
 *
 * @example
 * const guard = expressGuards(enforcer, { licenseKey: (req) => req.headers['x-license-key'] as string });
 * app.get('/reports', guard.requireFeature('advanced_reporting'), handler);
 */
export function expressGuards(enforcer: Enforcer, opts: { licenseKey: (req: Req) => string | undefined }) {
  const run =
    (decide: (key: string | undefined) => Promise<Denial | null>) => (req: Req, res: Res, next: Next) => {
      decide(opts.licenseKey(req)).then((d) => (d ? deny(res, d) : next()), next);
    };
  return {
    requireFeature: (feature: string) => run((key) => enforcer.requireFeature(key, feature)),
    requireTier: (tier: number | string) => run((key) => enforcer.requireTier(key, tier)),
    trackUsage: (feature: string, amount = 1) => run((key) => enforcer.consume(key, feature, amount)),
    /** One of the license's named limits, counted in Keyward, e.g. licenseLimit('max_api_requests_per_hour'). */
    licenseLimit: (name: string, amount = 1) => run((key) => enforcer.consumeLimit(key, name, amount)),
    hourlyQuota: (quota: HourlyQuota) => run((key) => (key ? quota.consume(key) : Promise.resolve(null))),
    concurrency: (limit: ConcurrencyLimit) => (req: Req, res: Res, next: Next) => {
      const id = opts.licenseKey(req);
      if (!id) return next();
      const slot = limit.acquire(id);
      if ('denial' in slot) return deny(res, slot.denial);
      res.once('close', slot.release);
      next();
    },
  };
}

/**
 * An Express handler that receives Keyward's webhooks for `enforcer` (its `webhookSecret` must be set).
 * Mount it behind `express.raw({ type: 'application/json' })`: the signature is over the raw body.
 * Answers 204, or 400 when the signature does not verify.
 *
 * @example
 * app.post('/keyward/webhooks', express.raw({ type: 'application/json' }), expressWebhookHandler(enforcer));
 */
export function expressWebhookHandler(enforcer: Enforcer) {
  return (req: Req & { body: Uint8Array | string }, res: Res & { sendStatus(code: number): unknown }) => {
    try {
      enforcer.receiveWebhook(req.body, req.headers);
    } catch (err) {
      res.status(400).json({ error: { code: 'WEBHOOK_SIGNATURE_INVALID', message: (err as Error).message } });
      return;
    }
    res.sendStatus(204);
  };
}
