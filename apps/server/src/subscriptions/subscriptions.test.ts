import { describe, expect, it } from 'vitest';
import { activate, createCustomer, createPlan } from '../../test/support/fixtures.js';
import { lifecyclePass } from '../../test/support/lifecycle.js';
import { createTestAccount, FixedClock, type TestAccount, useServer } from '../../test/support/server.js';

// Every transition of the subscription state machine, and what it does to the licenses it owns. Each
// test has an account of its own, so the passes (run per account) see only its subscriptions.
const clock = new FixedClock(new Date('2026-01-01T00:00:00Z'));
const world = useServer({ clock, accounts: 0 });

interface Sub {
  id: string;
  status: string;
  quantity: number;
  current_period_start: string;
  current_period_end: string;
  cancel_at_period_end: boolean;
  dunning_ends_at: string | null;
  ended_at: string | null;
  price_cents: number;
  issued_license: { id: string; key: string } | null;
}

interface Setup {
  account: TestAccount;
  token: string;
  sub: Sub;
  license: { id: string; key: string };
}

/** A fresh account with a plan (overrides), a customer and a subscription made through the API. */
async function subscribe(
  plan: Record<string, unknown> = {},
  body: Record<string, unknown> = {},
): Promise<Setup> {
  const account = await createTestAccount(world.server);
  const token = await account.token('sales');
  const { id: planId } = await createPlan(world.server, account, plan);
  const customer = await createCustomer(world.server, account);
  const res = await world.server.request('POST', '/api/v1/subscriptions', {
    token,
    body: { customer_id: customer.id, plan_id: planId, ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { account, token, sub: res.body, license: res.body.issued_license };
}

async function act(s: Setup, action: string, body: Record<string, unknown> = {}) {
  return world.server.request('POST', `/api/v1/subscriptions/${s.sub.id}/${action}`, {
    token: s.token,
    body,
  });
}

async function license(s: Setup) {
  const res = await world.server.request('GET', `/api/v1/licenses/${s.license.id}`, { token: s.token });
  expect(res.status).toBe(200);
  return res.body as {
    status: string;
    status_reason: string | null;
    expires_at: string | null;
    license_type: string;
    max_activations: number | null;
    plan_id: string;
    subscription_id: string;
  };
}

async function subscription(s: Setup): Promise<Sub> {
  return (await world.server.request('GET', `/api/v1/subscriptions/${s.sub.id}`, { token: s.token })).body;
}

/** The types of the events about `subjectId`, in log order, leaving out its creation. */
async function eventTypes(s: Setup, subjectId: string) {
  const res = await world.server.request('GET', `/api/v1/events?subject_id=${subjectId}&limit=100`, {
    token: await s.account.token('owner'),
  });
  return (res.body.data as { id: string; type: string }[])
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((e) => e.type)
    .filter((t) => !t.endsWith('.created'));
}

const pass = (s: Setup) => lifecyclePass(world.server, s.account.accountId);

describe('subscriptions drive their licenses', () => {
  it('creating one issues its license: the plan, seats × quantity, ending with the period, usable at once', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe({ max_activations: 2 }, { quantity: 3 });
    expect(s.sub).toMatchObject({
      status: 'active',
      quantity: 3,
      current_period_end: '2026-02-01T00:00:00.000Z',
    });
    expect(s.license.key).toMatch(/^[A-Z0-9-]+$/);
    expect(await license(s)).toMatchObject({
      status: 'active',
      max_activations: 6,
      expires_at: '2026-02-01T00:00:00.000Z',
      subscription_id: s.sub.id,
    });
    expect((await activate(world.server, s.license.key, 'dev-1')).status).toBe(200);
    const owned = await world.server.request('GET', `/api/v1/licenses?subscription_id=${s.sub.id}`, {
      token: s.token,
    });
    expect(owned.body.data.map((l: { id: string }) => l.id)).toEqual([s.license.id]);
  });

  it('renew: the period advances from its end and the licenses extend to the new end', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe();
    clock.set('2026-01-20T00:00:00Z');
    const res = await act(s, 'renew');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'active',
      current_period_start: '2026-02-01T00:00:00.000Z',
      current_period_end: '2026-03-01T00:00:00.000Z',
    });
    expect((await license(s)).expires_at).toBe('2026-03-01T00:00:00.000Z');
    expect(await eventTypes(s, s.license.id)).toEqual(['license.renewed']);
    expect(await eventTypes(s, s.sub.id)).toEqual(['subscription.renewed']);
  });

  it('past due: the licenses work through the dunning window, then the pass suspends them; a payment reinstates', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe({ dunning_days: 10, grace_period_days: 0, auto_renew: false });
    // The period ends unpaid: a plan that does not renew itself falls past due.
    clock.set('2026-02-01T00:01:00Z');
    expect((await pass(s)).subscriptions.past_due).toBe(1);
    expect(await subscription(s)).toMatchObject({
      status: 'past_due',
      dunning_ends_at: '2026-02-11T00:01:00.000Z',
    });
    expect(await license(s)).toMatchObject({ status: 'active', expires_at: '2026-02-11T00:01:00.000Z' });
    clock.set('2026-02-05T00:00:00Z');
    expect((await activate(world.server, s.license.key, 'dev-1')).status).toBe(200);
    await pass(s);
    expect((await subscription(s)).status).toBe('past_due');

    clock.set('2026-02-11T00:02:00Z'); // the window is over
    expect((await pass(s)).subscriptions.suspended).toBe(1);
    expect((await subscription(s)).status).toBe('suspended');
    expect(await license(s)).toMatchObject({ status: 'suspended', status_reason: 'subscription_suspended' });
    const refused = await activate(world.server, s.license.key, 'dev-2');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('LICENSE_SUSPENDED');

    const paid = await act(s, 'renew');
    expect(paid.body).toMatchObject({ status: 'active', current_period_end: '2026-03-01T00:00:00.000Z' });
    expect(await license(s)).toMatchObject({
      status: 'active',
      status_reason: null,
      expires_at: '2026-03-01T00:00:00.000Z',
    });
    expect((await activate(world.server, s.license.key, 'dev-2')).status).toBe(200);
    expect(await eventTypes(s, s.sub.id)).toEqual([
      'subscription.past_due',
      'subscription.suspended',
      'subscription.renewed',
    ]);
    // Past due, the license is reminded of its end (30 days: the nearest threshold at the start; then 7).
    expect(await eventTypes(s, s.license.id)).toEqual([
      'license.extended',
      'license.expiring',
      'license.expiring',
      'license.suspended',
      'license.renewed',
    ]);
  });

  it('staff mark a payment failed; a suspension staff made on a license outlives the payment', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe({ dunning_days: 3 });
    clock.set('2026-01-31T00:00:00Z');
    expect((await act(s, 'past-due')).body).toMatchObject({
      status: 'past_due',
      dunning_ends_at: '2026-02-03T00:00:00.000Z',
    });
    expect((await license(s)).expires_at).toBe('2026-02-03T00:00:00.000Z');
    const suspended = await world.server.request('POST', `/api/v1/licenses/${s.license.id}/suspend`, {
      token: s.token,
      body: { reason: 'chargeback investigation' },
    });
    expect(suspended.status).toBe(200);
    await act(s, 'renew');
    expect(await license(s)).toMatchObject({
      status: 'suspended',
      status_reason: 'chargeback investigation',
      expires_at: '2026-03-01T00:00:00.000Z',
    });
  });

  it('an auto-renewing plan renews itself at the period end; the pass does it once', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe({ auto_renew: true });
    clock.set('2026-01-25T00:00:00Z'); // 7 days left, but the subscription renews it: no reminder
    await pass(s);
    clock.set('2026-02-01T00:00:30Z');
    expect((await pass(s)).subscriptions.renewed).toBe(1);
    expect((await pass(s)).subscriptions.renewed).toBe(0);
    expect(await subscription(s)).toMatchObject({
      status: 'active',
      current_period_end: '2026-03-01T00:00:00.000Z',
    });
    expect((await license(s)).expires_at).toBe('2026-03-01T00:00:00.000Z');
    expect(await eventTypes(s, s.license.id)).toEqual(['license.renewed']);
  });

  it('cancel at period end: nothing changes until then; the pass expires it and its licenses; reactivate starts anew', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe();
    clock.set('2026-01-10T00:00:00Z');
    expect((await act(s, 'cancel')).body).toMatchObject({ status: 'active', cancel_at_period_end: true });
    expect((await act(s, 'cancel')).status).toBe(409);
    expect((await license(s)).status).toBe('active');
    clock.set('2026-02-01T00:00:10Z');
    expect((await pass(s)).subscriptions.expired).toBe(1);
    expect(await subscription(s)).toMatchObject({ status: 'expired', ended_at: '2026-02-01T00:00:10.000Z' });
    expect((await license(s)).status).toBe('expired');
    expect((await act(s, 'renew')).status).toBe(409);

    clock.set('2026-02-15T00:00:00Z');
    expect((await act(s, 'reactivate')).body).toMatchObject({
      status: 'active',
      cancel_at_period_end: false,
      ended_at: null,
      current_period_start: '2026-02-15T00:00:00.000Z',
      current_period_end: '2026-03-15T00:00:00.000Z',
    });
    expect(await license(s)).toMatchObject({ status: 'active', expires_at: '2026-03-15T00:00:00.000Z' });
    expect(await eventTypes(s, s.license.id)).toEqual(['license.expired', 'license.renewed']);
  });

  it('reactivating a pending cancellation keeps the period and the licenses as they are', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe();
    await act(s, 'cancel');
    expect((await act(s, 'reactivate')).body).toMatchObject({
      status: 'active',
      cancel_at_period_end: false,
    });
    expect((await act(s, 'reactivate')).status).toBe(409);
    expect(await eventTypes(s, s.license.id)).toEqual([]);
  });

  it('cancel now suspends the licenses; reactivation within the period reinstates them', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe();
    const canceled = await act(s, 'cancel', { at_period_end: false, reason: 'customer asked' });
    expect(canceled.body).toMatchObject({ status: 'canceled', cancel_at_period_end: false });
    expect(await license(s)).toMatchObject({ status: 'suspended', status_reason: 'subscription_canceled' });
    expect((await act(s, 'past-due')).status).toBe(409);
    clock.set('2026-01-15T00:00:00Z');
    expect((await act(s, 'reactivate')).body).toMatchObject({
      status: 'active',
      current_period_end: '2026-02-01T00:00:00.000Z',
    });
    expect(await license(s)).toMatchObject({ status: 'active', expires_at: '2026-02-01T00:00:00.000Z' });
    expect(await eventTypes(s, s.license.id)).toEqual(['license.suspended', 'license.reinstated']);
  });

  it('suspend by staff suspends the licenses; a revoked license is left alone', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe();
    const other = await world.server.request('POST', '/api/v1/licenses', {
      token: s.token,
      body: { plan_id: (await license(s)).plan_id, subscription_id: s.sub.id },
    });
    const revoke = await world.server.request('POST', `/api/v1/licenses/${other.body.id}/revoke`, {
      token: await s.account.token('owner'),
      body: {},
    });
    expect(revoke.status).toBe(200);
    expect((await act(s, 'suspend', { reason: 'abuse' })).body.status).toBe('suspended');
    expect((await license(s)).status).toBe('suspended');
    const revoked = await world.server.request('GET', `/api/v1/licenses/${other.body.id}`, {
      token: s.token,
    });
    expect(revoked.body.status).toBe('revoked');
  });

  it('a plan or quantity change moves the licenses; a downgrade below the seats in use says by how much', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe({ max_activations: 2, rank: 2 }, { quantity: 2 });
    for (const d of ['d1', 'd2', 'd3'])
      expect((await activate(world.server, s.license.key, d)).status).toBe(200);
    const basic = await createPlan(world.server, s.account, {
      max_activations: 1,
      rank: 1,
      price_monthly_cents: 900,
      features: [{ feature_id: 'api_access', name: 'API access', enabled: true }],
    });
    const res = await world.server.request('PATCH', `/api/v1/subscriptions/${s.sub.id}`, {
      token: s.token,
      body: { plan_id: basic.id, quantity: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ plan_id: basic.id, quantity: 1, price_cents: 900 });
    expect(await license(s)).toMatchObject({ plan_id: basic.id, max_activations: 1 });
    const events = await world.server.request(
      'GET',
      `/api/v1/events?subject_id=${s.license.id}&type=license.plan_changed`,
      {
        token: await s.account.token('owner'),
      },
    );
    expect(events.body.data[0].data).toMatchObject({
      direction: 'downgrade',
      max_activations: 1,
      over_limit_by: 2,
    });
    // Quantity alone.
    await world.server.request('PATCH', `/api/v1/subscriptions/${s.sub.id}`, {
      token: s.token,
      body: { quantity: 4 },
    });
    expect((await license(s)).max_activations).toBe(4);
    // Metadata alone changes no license.
    await world.server.request('PATCH', `/api/v1/subscriptions/${s.sub.id}`, {
      token: s.token,
      body: { metadata: { po: '1234' } },
    });
    const licenseEvents = (await eventTypes(s, s.license.id)).filter((t) => t.startsWith('license.'));
    expect(licenseEvents).toEqual(['license.plan_changed', 'license.plan_changed']);
  });

  it('a trial converts when renewed (the license takes the plan type); one not converted ends with its licenses', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe({ trial_allowed: true, trial_days: 14 }, { status: 'trialing' });
    expect(s.sub).toMatchObject({ status: 'trialing', current_period_end: '2026-01-15T00:00:00.000Z' });
    expect(await license(s)).toMatchObject({ license_type: 'trial', expires_at: '2026-01-15T00:00:00.000Z' });
    clock.set('2026-01-10T00:00:00Z');
    expect((await act(s, 'renew')).body).toMatchObject({
      status: 'active',
      current_period_start: '2026-01-10T00:00:00.000Z',
      current_period_end: '2026-02-10T00:00:00.000Z',
    });
    expect(await license(s)).toMatchObject({
      license_type: 'subscription',
      expires_at: '2026-02-10T00:00:00.000Z',
    });
    expect(await eventTypes(s, s.sub.id)).toEqual(['subscription.trial_converted']);

    clock.set('2026-01-01T00:00:00Z');
    const t = await subscribe({}, { trial_ends_at: '2026-01-08T00:00:00Z' });
    expect(t.sub.status).toBe('trialing');
    clock.set('2026-01-08T00:00:01Z');
    expect((await pass(t)).subscriptions.expired).toBe(1);
    expect((await subscription(t)).status).toBe('expired');
    expect((await license(t)).status).toBe('expired');
    expect(await eventTypes(t, t.sub.id)).toEqual(['subscription.trial_ended']);
    expect(await eventTypes(t, t.license.id)).toEqual(['license.trial_ended']);
  });

  it('refuses what the machine does not allow, with a code and a way forward', async () => {
    clock.set('2026-01-01T00:00:00Z');
    const s = await subscribe();
    const patchStatus = await world.server.request('PATCH', `/api/v1/subscriptions/${s.sub.id}`, {
      token: s.token,
      body: { status: 'expired' },
    });
    expect(patchStatus.status).toBe(422);
    expect(patchStatus.body.error).toMatchObject({
      code: 'INVALID_FIELD',
      details: { pointer: '/body/status' },
    });
    expect(patchStatus.body.error.message).toContain('/renew');
    await act(s, 'cancel', { at_period_end: false });
    const renew = await act(s, 'renew');
    expect(renew.status).toBe(409);
    expect(renew.body.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION' });
    expect(renew.body.error.details.allowed_from).toContain('past_due');
    const changePlan = await world.server.request('PATCH', `/api/v1/subscriptions/${s.sub.id}`, {
      token: s.token,
      body: { quantity: 5 },
    });
    expect(changePlan.status).toBe(409);
    const noTrial = await world.server.request('POST', '/api/v1/subscriptions', {
      token: s.token,
      body: {
        customer_id: (await createCustomer(world.server, s.account)).id,
        plan_id: (await createPlan(world.server, s.account, { trial_allowed: false, trial_days: 0 })).id,
        status: 'trialing',
      },
    });
    expect(noTrial.status).toBe(422);
    expect(noTrial.body.error.details.pointer).toBe('/body/trial_ends_at');
  });
});
