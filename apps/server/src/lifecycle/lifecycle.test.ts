import { beforeAll, describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { lifecyclePass as runPass } from '../../test/support/lifecycle.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { verifyEvents } from '../events/verify.js';

const clock = new FixedClock(new Date('2026-03-01T00:00:00Z'));
const world = useServer({ clock });
let owner: string;

beforeAll(async () => {
  owner = await world.account.token('owner');
});

/** One lifecycle run for this test's account. */
const lifecyclePass = () => runPass(world.server, world.account.accountId);

async function eventsOf(licenseId: string) {
  const page = await world.server.request('GET', `/api/v1/events?subject_id=${licenseId}&limit=100`, {
    token: owner,
  });
  expect(page.status).toBe(200);
  // In the order they were appended to the log.
  type Row = { id: string; type: string; actor_type: string; data: Record<string, unknown> };
  return (page.body.data as Row[])
    .sort((a, b) => Number(a.id) - Number(b.id))
    .filter((e) => e.type !== 'license.created')
    .map((e) => ({ type: e.type, actor: e.actor_type, days: e.data.days_before }));
}

const statusOf = async (id: string) =>
  (await world.server.request('GET', `/api/v1/licenses/${id}`, { token: owner })).body.status as string;

describe('the lifecycle pass (a job, on an advanced clock)', () => {
  it('reminds 30, 7 and 1 days before the end, once each; grace starts; then the license expires', async () => {
    clock.set('2026-03-01T00:00:00Z');
    const license = await issueLicense(
      world.server,
      world.account,
      { duration_days: 40 },
      { grace_period_days: 3 },
    );
    // expires 2026-04-10; grace until 2026-04-13.
    await lifecyclePass();
    expect(await eventsOf(license.id)).toEqual([]);

    clock.set('2026-03-11T00:00:01Z'); // 29.99 days left: the 30-day reminder
    await lifecyclePass();
    await lifecyclePass(); // a second run gives nothing twice
    clock.set('2026-04-03T00:00:01Z'); // the 7-day one
    await lifecyclePass();
    clock.set('2026-04-09T00:00:01Z'); // the 1-day one
    await lifecyclePass();
    clock.set('2026-04-10T00:00:01Z'); // past the end: grace starts, still active
    await lifecyclePass();
    expect(await statusOf(license.id)).toBe('active');
    clock.set('2026-04-13T00:00:01Z'); // grace over
    const summary = await lifecyclePass();
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    expect(await statusOf(license.id)).toBe('expired');
    await lifecyclePass();

    expect(await eventsOf(license.id)).toEqual([
      { type: 'license.expiring', actor: 'system', days: 30 },
      { type: 'license.expiring', actor: 'system', days: 7 },
      { type: 'license.expiring', actor: 'system', days: 1 },
      { type: 'license.grace_started', actor: 'system', days: undefined },
      { type: 'license.expired', actor: 'system', days: undefined },
    ]);
    // Written in bulk, the events hash and chain like any other.
    const report = await verifyEvents(world.server.ctx.db, world.account.accountId);
    expect(report.problems).toEqual([]);
  });

  it('a license issued 5 days before its end gets the 7-day reminder only, and again after renewal', async () => {
    clock.set('2026-05-01T00:00:00Z');
    const license = await issueLicense(world.server, world.account, { duration_days: 5 });
    await lifecyclePass();
    expect(await eventsOf(license.id)).toEqual([{ type: 'license.expiring', actor: 'system', days: 7 }]);
    const renewed = await world.server.request('POST', `/api/v1/licenses/${license.id}/renew`, {
      token: owner,
      body: { duration_days: 20 },
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    await lifecyclePass();
    const types = (await eventsOf(license.id)).map((e) => `${e.type}:${e.days ?? ''}`);
    // The new term (ends in 25 days) is inside 30 days: its own 30-day reminder.
    expect(types).toEqual(['license.expiring:7', 'license.renewed:', 'license.expiring:30']);
  });

  it('a trial is told 3 and 1 days before it ends, then ends (license.trial_ended)', async () => {
    clock.set('2026-06-01T00:00:00Z');
    const license = await issueLicense(
      world.server,
      world.account,
      { trial: true },
      { trial_allowed: true, trial_days: 14, grace_period_days: 0 },
    );
    // A trial's term starts at its first activation (its type's default policy).
    expect((await activate(world.server, license.key, 'trial-device')).status).toBe(200);
    clock.set('2026-06-12T00:00:01Z');
    await lifecyclePass();
    clock.set('2026-06-14T00:00:01Z');
    await lifecyclePass();
    clock.set('2026-06-15T00:00:01Z');
    await lifecyclePass();
    expect(await statusOf(license.id)).toBe('expired');
    expect((await eventsOf(license.id)).filter((e) => e.type !== 'license.term_started')).toEqual([
      { type: 'license.trial_ending', actor: 'system', days: 3 },
      { type: 'license.trial_ending', actor: 'system', days: 1 },
      { type: 'license.trial_ended', actor: 'system', days: undefined },
    ]);
  });

  it('a floating lease nobody renews is released by its job', async () => {
    clock.set('2026-07-01T00:00:00Z');
    const license = await issueLicense(world.server, world.account, {
      max_activations: 1,
      policy: { seat_unit: 'leases', lease_minutes: 15 },
    });
    const first = await activate(world.server, license.key, 'lease-a');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    clock.set('2026-07-01T00:16:00Z');
    const { jobs } = world.server.parts;
    const id = await jobs.enqueue('release-lapsed-leases', { account_id: world.account.accountId });
    const run = await jobs.waitFor('release-lapsed-leases', id!);
    expect(run.state).toBe('completed');
    expect(run.output).toMatchObject({ released: 1 });
    const devices = await world.server.request('GET', `/api/v1/licenses/${license.id}/activations`, {
      token: owner,
    });
    expect(devices.body.data[0]).toMatchObject({ status: 'expired', deactivation_reason: 'lease_expired' });
  });
});
