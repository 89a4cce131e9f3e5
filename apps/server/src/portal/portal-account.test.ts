import { describe, expect, it } from 'vitest';
import { activate, createCustomer, createPlan, issueLicense } from '../../test/support/fixtures.js';
import { portalClient } from '../../test/support/portal.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { useTestSmtp } from '../../test/support/smtp.js';

// Issue L: a customer signed in to the portal (by the emailed link, through a real SMTP server) sees only
// their own licenses, keys, devices, usage, orders and receipts.
const { smtp, config } = useTestSmtp();
const clock = new FixedClock(new Date());
const world = useServer({ config, clock });

const { portal, signIn } = portalClient(world, smtp);

describe("a customer's own account", () => {
  it('shows my licenses with keys and a trial banner, frees my devices, and hides everyone else’s', async () => {
    const me = await createCustomer(world.server, world.account);
    const other = await createCustomer(world.server, world.account);
    const plan = await createPlan(world.server, world.account);
    const paid = await issueLicense(world.server, world.account, { plan_id: plan.id, customer_id: me.id });
    const trialEnds = new Date(clock.now().getTime() + 5.5 * 86_400_000).toISOString();
    const trial = await issueLicense(world.server, world.account, {
      plan_id: plan.id,
      customer_id: me.id,
      trial: true,
      expires_at: trialEnds,
    });
    const theirs = await issueLicense(world.server, world.account, {
      plan_id: plan.id,
      customer_id: other.id,
    });
    const mine = await activate(world.server, paid.key, 'my-laptop');
    const notMine = await activate(world.server, theirs.key, 'their-laptop');

    const { session } = await signIn(me.email);
    const list = await portal('GET', '/me/licenses', session);
    expect(list.status).toBe(200);
    expect(list.body.data.map((l: { key: string }) => l.key).sort()).toEqual([paid.key, trial.key].sort());
    const shownTrial = list.body.data.find((l: { id: string }) => l.id === trial.id);
    expect(shownTrial.trial).toEqual({ ends_at: trialEnds, days_left: 5 });
    expect(list.body.data.find((l: { id: string }) => l.id === paid.id).trial).toBeNull();

    const detail = await portal('GET', `/me/licenses/${paid.id}`, session);
    expect(detail.status).toBe(200);
    expect(detail.body.devices.map((d: { id: string }) => d.id)).toEqual([mine.body.activation_id]);
    expect(Array.isArray(detail.body.usage)).toBe(true);

    // Another customer's license and device are 404, as if they did not exist; nothing changes.
    const foreign = await portal('GET', `/me/licenses/${theirs.id}`, session);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const steal = await portal(
      'POST',
      `/me/licenses/${paid.id}/devices/${notMine.body.activation_id}/deactivate`,
      session,
    );
    expect(steal.status).toBe(404);
    const viaTheirs = await portal(
      'POST',
      `/me/licenses/${theirs.id}/devices/${notMine.body.activation_id}/deactivate`,
      session,
    );
    expect(viaTheirs.status).toBe(404);

    const freed = await portal(
      'POST',
      `/me/licenses/${paid.id}/devices/${mine.body.activation_id}/deactivate`,
      session,
    );
    expect(freed.status, JSON.stringify(freed.body)).toBe(200);
    expect(freed.body.status).toBe('deactivated');
    expect((await portal('GET', `/me/licenses/${paid.id}`, session)).body.devices).toEqual([]);
    const [event] = await world.server.ctx.db.sql<{ actor_type: string; actor_id: string }[]>`
      select actor_type, actor_id from events where subject_id = ${mine.body.activation_id}
      order by created_at desc limit 1`;
    expect(event).toEqual({ actor_type: 'customer', actor_id: me.id });
  });

  it('lists my orders with receipts once paid; another customer’s receipt is 404', async () => {
    const me = await createCustomer(world.server, world.account);
    const other = await createCustomer(world.server, world.account);
    const plan = await createPlan(world.server, world.account);
    const owner = await world.account.token('owner');
    const order = async (customerId: string) => {
      const made = await world.server.request('POST', '/api/v1/orders', {
        token: owner,
        body: {
          customer_id: customerId,
          items: [{ plan_id: plan.id, billing_cycle: 'annual', quantity: 1 }],
        },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      await world.server.request('POST', `/api/v1/orders/${made.body.id}/submit`, { token: owner });
      const paid = await world.server.request('POST', `/api/v1/orders/${made.body.id}/pay`, {
        token: owner,
        body: {},
      });
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      return made.body.id as string;
    };
    const mine = await order(me.id);
    const theirs = await order(other.id);

    const { session } = await signIn(me.email);
    const orders = await portal('GET', '/me/orders', session);
    expect(orders.body.data.map((o: { id: string }) => o.id)).toEqual([mine]);
    expect(orders.body.data[0]).toMatchObject({ status: 'fulfilled', has_receipt: true });
    const receipt = await world.server.request('GET', `/api/v1/portal/me/orders/${mine}/receipt`, {
      token: session,
    });
    expect(receipt.status).toBe(200);
    expect(String(receipt.body)).toContain('Receipt');
    const foreign = await portal('GET', `/me/orders/${theirs}/receipt`, session);
    expect(foreign.status).toBe(404);
  });
});
