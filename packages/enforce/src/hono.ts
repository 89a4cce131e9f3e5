import type { Denial } from './denials.js';
import type { Enforcer } from './enforcer.js';
import type { ConcurrencyLimit, HourlyQuota } from './quota.js';

/** The parts of Hono's context the middleware uses (no hard dependency on hono). */
interface Ctx {
  req: { header(name: string): string | undefined };
}
type Next = () => Promise<void>;

const deny = (d: Denial) =>
  new Response(JSON.stringify(d.body), {
    status: d.status,
    headers: { 'content-type': 'application/json', ...d.headers },
  });

/**
 * Hono middleware.
 *
 * @example
 * const guard = honoGuards(enforcer, { licenseKey: (c) => c.req.header('x-license-key') });
 * app.get('/reports', guard.requireFeature('advanced_reporting'), (c) => c.json({ ok: true }));
 */
export function honoGuards(enforcer: Enforcer, opts: { licenseKey: (c: Ctx) => string | undefined }) {
  const run = (decide: (key: string | undefined) => Promise<Denial | null>) => async (c: Ctx, next: Next) => {
    const d = await decide(opts.licenseKey(c));
    if (d) return deny(d);
    await next();
  };
  return {
    requireFeature: (feature: string) => run((key) => enforcer.requireFeature(key, feature)),
    requireTier: (tier: number | string) => run((key) => enforcer.requireTier(key, tier)),
    trackUsage: (feature: string, amount = 1) => run((key) => enforcer.consume(key, feature, amount)),
    /** One of the license's named limits, counted in Keyward, e.g. licenseLimit('max_api_requests_per_hour'). */
    licenseLimit: (name: string, amount = 1) => run((key) => enforcer.consumeLimit(key, name, amount)),
    hourlyQuota: (quota: HourlyQuota) => run((key) => (key ? quota.consume(key) : Promise.resolve(null))),
    concurrency: (limit: ConcurrencyLimit) => async (c: Ctx, next: Next) => {
      const id = opts.licenseKey(c);
      if (!id) return next();
      const slot = limit.acquire(id);
      if ('denial' in slot) return deny(slot.denial);
      try {
        await next();
      } finally {
        slot.release();
      }
    },
  };
}
