import { describe, expect, it } from 'vitest';
import { createCustomer, createPlan } from '../../test/support/fixtures.js';
import { lifecyclePass } from '../../test/support/lifecycle.js';
import { FixedClock, useServer } from '../../test/support/server.js';

// Issue J with L's orders: a manually billed subscription whose period ends unpaid gets one renewal
// order for the next period (however many passes run), and paying that order renews the subscription
// and extends its license.
const clock = new FixedClock(new Date('2026-03-01T00:00:00Z'));
const world = useServer({ clock });

describe('renewal orders', () => {
  it('orders the next period once when a period ends unpaid; paying it renews', async () => {
    const owner = await world.account.token('owner');
    const call = (method: string, path: string, body?: unknown) =>
      world.server.request(method, path, { token: owner, ...(body !== undefined ? { body } : {}) });
    const plan = await createPlan(world.server, world.account, {
      auto_renew: false,
      dunning_days: 10,
      grace_period_days: 0,
      price_monthly_cents: 4900,
    });
    const customer = await createCustomer(world.server, world.account);
    const made = await call('POST', '/api/v1/subscriptions', {
      customer_id: customer.id,
      plan_id: plan.id,
      quantity: 2,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const sub = made.body;
    expect(sub.current_period_end).toBe('2026-04-01T00:00:00.000Z');

    clock.set('2026-04-01T00:05:00Z');
    const first = await lifecyclePass(world.server, world.account.accountId);
    expect(first.subscriptions.past_due).toBe(1);
    expect(first.renewal_orders).toBe(1);
    const second = await lifecyclePass(world.server, world.account.accountId);
    expect(second.renewal_orders).toBe(0);

    const orders = await call('GET', `/api/v1/orders?customer_id=${customer.id}`);
    expect(orders.body.data).toHaveLength(1);
    const order = orders.body.data[0];
    expect(order).toMatchObject({
      status: 'approved',
      renews_subscription_id: sub.id,
      total_cents: 9800,
      items: [expect.objectContaining({ plan_id: plan.id, billing_cycle: 'monthly', quantity: 2 })],
    });

    // Paid by bank transfer, recorded by staff: the next period, the license with it; no new license.
    const paid = await call('POST', `/api/v1/orders/${order.id}/pay`, { reference: 'INV-RENEW-1' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.order.status).toBe('fulfilled');
    expect(paid.body.issued_licenses).toEqual([]);
    const renewed = await call('GET', `/api/v1/subscriptions/${sub.id}`);
    expect(renewed.body).toMatchObject({
      status: 'active',
      current_period_end: '2026-05-01T00:00:00.000Z',
      dunning_ends_at: null,
    });
    const license = await call('GET', `/api/v1/licenses/${sub.issued_license.id}`);
    expect(license.body).toMatchObject({ status: 'active', expires_at: '2026-05-01T00:00:00.000Z' });

    // The next pass finds nothing due; the period after is ordered when it, too, ends unpaid.
    expect((await lifecyclePass(world.server, world.account.accountId)).renewal_orders).toBe(0);
    clock.set('2026-05-01T00:05:00Z');
    expect((await lifecyclePass(world.server, world.account.accountId)).renewal_orders).toBe(1);
  });

  it('makes no renewal order for a plan that extends itself', async () => {
    const owner = await world.account.token('owner');
    const plan = await createPlan(world.server, world.account, { auto_renew: true });
    const customer = await createCustomer(world.server, world.account);
    clock.set('2026-06-01T00:00:00Z');
    const made = await world.server.request('POST', '/api/v1/subscriptions', {
      token: owner,
      body: { customer_id: customer.id, plan_id: plan.id },
    });
    expect(made.status).toBe(201);
    clock.set('2026-07-01T00:05:00Z');
    const pass = await lifecyclePass(world.server, world.account.accountId);
    expect(pass.subscriptions.renewed).toBeGreaterThanOrEqual(1);
    const orders = await world.server.request('GET', `/api/v1/orders?customer_id=${customer.id}`, {
      token: owner,
    });
    expect(orders.body.data).toEqual([]);
  });
});
