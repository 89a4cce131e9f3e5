import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * THE ONE TEST DOUBLE OF THE PROJECT: a local HTTP server standing in for the few Stripe API endpoints
 * Keyward calls (retrieving a subscription and a customer), because Stripe cannot be reached from these
 * machines. The official `stripe` library talks to it (STRIPE_API_URL sets the library's host and port);
 * webhook payloads are signed by that library's own test-header helper. A test sets what Stripe "has".
 */
export class StripeDouble {
  readonly subscriptions = new Map<string, Record<string, unknown>>();
  readonly customers = new Map<string, Record<string, unknown>>();
  readonly calls: string[] = [];
  /** The sessions Keyward asked for (checkout and billing portal), their form fields decoded. */
  readonly created: { kind: 'checkout' | 'billing_portal'; fields: Record<string, string> }[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.calls.push(`${req.method} ${req.url}`);
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => this.create(req.url ?? '', Object.fromEntries(new URLSearchParams(body)), res));
        return;
      }
      req.resume();
      const match = req.url?.match(/^\/v1\/(subscriptions|customers)\/([^/?]+)/);
      const found = match ? this[match[1] as 'subscriptions' | 'customers'].get(match[2]!) : undefined;
      res.setHeader('content-type', 'application/json');
      res.setHeader('request-id', `req_${this.calls.length}`);
      if (!found) {
        res.writeHead(404).end(
          JSON.stringify({
            error: { type: 'invalid_request_error', message: `No such object: ${req.url}` },
          }),
        );
        return;
      }
      res.end(JSON.stringify(found));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Creates a checkout or billing-portal session, answering its id and a URL as Stripe would. */
  private create(url: string, fields: Record<string, string>, res: import('node:http').ServerResponse) {
    const kind = url.startsWith('/v1/checkout/sessions')
      ? 'checkout'
      : url.startsWith('/v1/billing_portal/sessions')
        ? 'billing_portal'
        : null;
    res.setHeader('content-type', 'application/json');
    if (!kind) {
      res
        .writeHead(404)
        .end(JSON.stringify({ error: { type: 'invalid_request_error', message: `Unknown ${url}` } }));
      return;
    }
    const price = fields['line_items[0][price]'];
    if (kind === 'checkout' && price === 'price_missing') {
      res.writeHead(400).end(
        JSON.stringify({
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            message: `No such price: '${price}'`,
          },
        }),
      );
      return;
    }
    this.created.push({ kind, fields });
    const id = kind === 'checkout' ? `cs_test_${this.created.length}` : `bps_${this.created.length}`;
    const host = kind === 'checkout' ? 'checkout.stripe.test' : 'billing.stripe.test';
    res.end(
      JSON.stringify({
        id,
        object: kind === 'checkout' ? 'checkout.session' : 'billing_portal.session',
        url: `https://${host}/${id}`,
      }),
    );
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** A customer as Stripe's API answers it (the fields Keyward reads). */
  setCustomer(id: string, email: string, name: string | null = null): void {
    this.customers.set(id, { id, object: 'customer', email, name });
  }

  /** A subscription as Stripe's API answers it (the fields Keyward reads). */
  setSubscription(s: {
    id: string;
    customer: string;
    price: string;
    unitAmount: number;
    quantity?: number;
    status: string;
    periodStart: Date;
    periodEnd: Date;
    cancelAtPeriodEnd?: boolean;
  }) {
    const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
    this.subscriptions.set(s.id, {
      id: s.id,
      object: 'subscription',
      customer: s.customer,
      status: s.status,
      cancel_at_period_end: s.cancelAtPeriodEnd ?? false,
      start_date: seconds(s.periodStart),
      items: {
        object: 'list',
        data: [
          {
            id: `si_${s.id}`,
            object: 'subscription_item',
            quantity: s.quantity ?? 1,
            current_period_start: seconds(s.periodStart),
            current_period_end: seconds(s.periodEnd),
            price: { id: s.price, object: 'price', unit_amount: s.unitAmount, currency: 'usd' },
          },
        ],
      },
    });
  }
}
