import { describe, expect, it } from 'vitest';
import { createCustomer, createPlan } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { decodedMail, useTestSmtp } from '../../test/support/smtp.js';

// Orders without a payment provider (invoiced customers): numbered per account, priced from the plans,
// approved when a plan asks for it, paid by hand, fulfilled once — the licenses, the receipt email
// through a real SMTP server and the receipt page — and refunded (its licenses suspended).
const { smtp, config } = useTestSmtp();
const world = useServer({ config });

const owner = () => world.account.token('owner');
const call = async (
  method: string,
  path: string,
  body?: unknown,
  role: 'owner' | 'sales' | 'admin' = 'owner',
) =>
  world.server.request(method, path, { token: await world.account.token(role), ...(body ? { body } : {}) });

async function draft(items: unknown[], extra: Record<string, unknown> = {}) {
  const customer = await createCustomer(world.server, world.account, { first_name: 'Ines' });
  const res = await call('POST', '/api/v1/orders', { customer_id: customer.id, items, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { order: res.body, customer };
}

describe('orders', () => {
  it('prices, numbers, approves, takes a manual payment and fulfils: licenses, receipt mail and page', async () => {
    const plan = await createPlan(world.server, world.account, { max_activations: 2 });
    const oneOff = await createPlan(world.server, world.account, {
      license_type: 'perpetual',
      max_activations: 1,
    });
    const { order, customer } = await draft(
      [
        { plan_id: plan.id, billing_cycle: 'monthly', quantity: 3 },
        { plan_id: oneOff.id, billing_cycle: 'one_time', unit_amount_cents: 19900 },
      ],
      { discount_cents: 1000, tax_cents: 2500 },
    );
    expect(order).toMatchObject({
      status: 'draft',
      currency: 'usd',
      subtotal_cents: 4900 * 3 + 19900,
      total_cents: 4900 * 3 + 19900 - 1000 + 2500,
    });
    expect(order.items.map((i: { amount_cents: number }) => i.amount_cents)).toEqual([14700, 19900]);
    const next = await draft([{ plan_id: plan.id, billing_cycle: 'annual' }]);
    expect(next.order.number).toBe(order.number + 1);
    expect(next.order.total_cents).toBe(49000);

    const early = await call('POST', `/api/v1/orders/${order.id}/pay`, {});
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      details: { allowed_from: ['approved'] },
    });
    const submitted = await call('POST', `/api/v1/orders/${order.id}/submit`);
    expect(submitted.body.status).toBe('approved');
    const paid = await call('POST', `/api/v1/orders/${order.id}/pay`, { reference: 'INV-2026-0042' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.order).toMatchObject({
      status: 'fulfilled',
      payment_provider: 'manual',
      payment_reference: 'INV-2026-0042',
    });
    expect(paid.body.issued_licenses).toHaveLength(2);

    const licenses = await call('GET', `/api/v1/licenses?customer_id=${customer.id}`);
    const byPlan = Object.fromEntries(licenses.body.data.map((l: { plan_id: string }) => [l.plan_id, l]));
    expect(byPlan[plan.id]).toMatchObject({ max_activations: 6, order_id: order.id });
    expect(byPlan[plan.id].subscription_id).toBeTruthy();
    expect(byPlan[oneOff.id]).toMatchObject({
      max_activations: 1,
      order_id: order.id,
      subscription_id: null,
    });
    const subscription = await call('GET', `/api/v1/subscriptions/${byPlan[plan.id].subscription_id}`);
    expect(subscription.body).toMatchObject({ quantity: 3, price_cents: 4900, billing_cycle: 'monthly' });

    // The receipt: emailed to the customer, and a page.
    let receiptMail = '';
    await expect
      .poll(
        () => {
          const mail = smtp.received.find(
            (m) => m.to.includes(customer.email) && decodedMail(m.raw).includes(`order #${order.number}`),
          );
          receiptMail = mail ? decodedMail(mail.raw) : '';
          return Boolean(mail);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(receiptMail).toContain('Total paid: $361.00');
    const page = await call('GET', `/api/v1/orders/${order.id}/receipt`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain(`receipt #${order.number}`);
    expect(page.body).toContain('$361.00');
    expect(page.body).toContain('INV-2026-0042');
    const unpaid = await call('GET', `/api/v1/orders/${next.order.id}/receipt`);
    expect(unpaid.status).toBe(409);
  });

  it('waits for an owner or admin when a plan requires approval', async () => {
    const plan = await createPlan(world.server, world.account, { requires_approval: true });
    const { order } = await draft([{ plan_id: plan.id, billing_cycle: 'annual' }]);
    expect(order.requires_approval).toBe(true);
    const submitted = await call('POST', `/api/v1/orders/${order.id}/submit`, undefined, 'sales');
    expect(submitted.body.status).toBe('pending_approval');
    expect((await call('POST', `/api/v1/orders/${order.id}/approve`, undefined, 'sales')).status).toBe(403);
    const approved = await call('POST', `/api/v1/orders/${order.id}/approve`, undefined, 'admin');
    expect(approved.body).toMatchObject({ status: 'approved' });
    expect(approved.body.approved_at).toBeTruthy();
  });

  it('fulfils one order asked twice at once exactly once', async () => {
    const plan = await createPlan(world.server, world.account);
    const { order } = await draft([
      { plan_id: plan.id, billing_cycle: 'annual', quantity: 2 },
      { plan_id: plan.id, billing_cycle: 'one_time', unit_amount_cents: 5000 },
    ]);
    await call('POST', `/api/v1/orders/${order.id}/submit`);
    const paid = await call('POST', `/api/v1/orders/${order.id}/pay`, { fulfil: false });
    expect(paid.body.order.status).toBe('paid');
    const token = await owner();
    const both = await Promise.all(
      [0, 1].map(() => world.server.request('POST', `/api/v1/orders/${order.id}/fulfil`, { token })),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const [rows] = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from licenses where order_id = ${order.id}`;
    expect(rows!.n).toBe(2);
    const [subs] = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from subscriptions where metadata->>'order_id' = ${order.id}`;
    expect(subs!.n).toBe(1);
  });

  it('a refund suspends what the order issued; a cancelled order cannot be paid', async () => {
    const plan = await createPlan(world.server, world.account);
    const { order } = await draft([{ plan_id: plan.id, billing_cycle: 'one_time', unit_amount_cents: 100 }]);
    await call('POST', `/api/v1/orders/${order.id}/submit`);
    const paid = await call('POST', `/api/v1/orders/${order.id}/pay`, {});
    const licenseId = paid.body.issued_licenses[0].id;
    const refunded = await call(
      'POST',
      `/api/v1/orders/${order.id}/refund`,
      { reason: 'changed their mind' },
      'admin',
    );
    expect(refunded.body.status).toBe('refunded');
    const license = await call('GET', `/api/v1/licenses/${licenseId}`);
    expect(license.body.status).toBe('suspended');

    const other = await draft([{ plan_id: plan.id, billing_cycle: 'monthly' }]);
    expect(
      (await call('POST', `/api/v1/orders/${other.order.id}/cancel`, { reason: 'duplicate' })).body.status,
    ).toBe('cancelled');
    const late = await call('POST', `/api/v1/orders/${other.order.id}/pay`, {});
    expect(late.status).toBe(409);
  });

  it('refuses bad orders with the field at fault', async () => {
    const plan = await createPlan(world.server, world.account);
    const euro = await createPlan(world.server, world.account, { currency: 'eur' });
    const customer = await createCustomer(world.server, world.account);
    const cases: [unknown, number, string, string][] = [
      [
        { customer_id: customer.id, items: [{ plan_id: plan.id, billing_cycle: 'one_time' }] },
        422,
        'MISSING_FIELD',
        '/body/items/0/unit_amount_cents',
      ],
      [
        {
          customer_id: customer.id,
          items: [{ plan_id: plan.id, billing_cycle: 'monthly' }],
          discount_cents: 999_999,
        },
        422,
        'INVALID_FIELD',
        '/body/discount_cents',
      ],
      [
        {
          customer_id: customer.id,
          items: [
            { plan_id: plan.id, billing_cycle: 'monthly' },
            { plan_id: euro.id, billing_cycle: 'monthly' },
          ],
        },
        422,
        'INVALID_FIELD',
        '/body/items/1/plan_id',
      ],
      [
        {
          customer_id: '00000000-0000-4000-8000-000000000000',
          items: [{ plan_id: plan.id, billing_cycle: 'monthly' }],
        },
        404,
        'NOT_FOUND',
        '/body/customer_id',
      ],
    ];
    for (const [body, status, code, pointer] of cases) {
      const res = await call('POST', '/api/v1/orders', body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error).toMatchObject({ code, details: { pointer } });
    }
    const [count] = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from orders where customer_id = ${customer.id}`;
    expect(count!.n).toBe(0);
  });

  it('answers every Stripe route with PAYMENT_PROVIDER_NOT_CONFIGURED on a server without Stripe keys', async () => {
    const hook = await world.server.request('POST', '/api/v1/webhooks/stripe', {
      raw: '{}',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
    });
    expect(hook.status).toBe(501);
    expect(hook.body.error.code).toBe('PAYMENT_PROVIDER_NOT_CONFIGURED');
    expect(hook.body.error.message).toContain('STRIPE_SECRET_KEY');
    const events = await call('GET', '/api/v1/payment-events');
    expect(events.status).toBe(501);
  });
});
