import type Stripe from 'stripe';
import type { Config } from '../config/config.js';
import { AppError } from '../core/errors.js';
import { loadOnUse } from '../core/load-on-use.js';

/**
 * The Stripe library as this deployment is set up for it (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`),
 * or null without them. `STRIPE_API_URL` points its calls elsewhere: the tests' local stand-in for the
 * few Stripe endpoints Keyward calls (Stripe itself cannot be reached from the test machines).
 */
export function stripeClient(config: Config): { stripe: Stripe; webhookSecret: string } | null {
  if (!config.stripeSecretKey || !config.stripeWebhookSecret) return null;
  const api = config.stripeApiUrl ? new URL(config.stripeApiUrl) : null;
  const StripeLibrary = stripeLibrary();
  const stripe = new StripeLibrary(config.stripeSecretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(api
      ? {
          host: api.hostname,
          port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)),
          protocol: api.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
  return { stripe, webhookSecret: config.stripeWebhookSecret };
}

/** The library, loaded on first use: a server without Stripe keys never pays its start-up. */
const stripeLibrary = () => loadOnUse('stripe') as typeof Stripe;

/** Every Stripe route's answer when the deployment has no Stripe keys. */
export function notConfigured(): AppError {
  return new AppError(
    'PAYMENT_PROVIDER_NOT_CONFIGURED',
    'Stripe is not set up on this server: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (see docs/payments.md)',
  );
}

/**
 * Calls Stripe for a request being answered: Stripe unreachable is 503 (retry), Stripe refusing what was
 * asked (a price that does not exist there, say) is 502 with Stripe's own message.
 */
export async function askStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const { errors } = stripeLibrary();
    if (!(err instanceof errors.StripeError)) throw err;
    if (err instanceof errors.StripeConnectionError || err instanceof errors.StripeAPIError)
      throw new AppError('SERVICE_UNAVAILABLE', `Stripe did not answer; try again shortly (${err.message})`);
    throw new AppError('PAYMENT_PROVIDER_ERROR', `Stripe refused: ${err.message}`, {
      stripe_code: err.code ?? null,
    });
  }
}
