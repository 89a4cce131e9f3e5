import { beforeAll, describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';

const clock = new FixedClock(new Date('2027-02-01T00:00:00Z'));
const world = useServer({ clock });
let owner: string;

beforeAll(async () => {
  owner = await world.account.token('owner');
});

describe('the retention job', () => {
  it('deletes usage rows past the retention setting and archives seats that ended 90 days ago', async () => {
    const sql = world.server.ctx.db.sql;
    const license = await issueLicense(world.server, world.account, { max_activations: 5 });
    const seat = await activate(world.server, license.key, 'retained-device');
    const token = seat.body.signed_token as string;
    const validate = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token, device_id: 'retained-device' },
    });
    expect(validate.body.valid).toBe(true);
    const ended = await world.server.request('POST', '/api/v1/licensing/deactivate', {
      body: { token, device_id: 'retained-device' },
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    await world.server.parts.usage.flush();
    const usageOf = async () =>
      (
        await sql<
          { n: number }[]
        >`select count(*)::int as n from usage_events where license_id = ${license.id}`
      )[0]!.n;
    const hourlyOf = async () =>
      (
        await sql<{ n: number }[]>`
          select coalesce(sum(total), 0)::int as n from usage_hourly
          where account_id = ${world.account.accountId} and hour < '2027-02-02'`
      )[0]!.n;
    const eventsOf = async () =>
      (
        await sql<
          { n: number }[]
        >`select count(*)::int as n from events where account_id = ${world.account.accountId}`
      )[0]!.n;
    expect(await usageOf()).toBeGreaterThan(0);
    const hourly = await hourlyOf();
    const before = await eventsOf();

    const run = async () => {
      const { jobs } = world.server.parts;
      const id = await jobs.enqueue('retention', { account_id: world.account.accountId });
      const done = await jobs.waitFor('retention', id!);
      expect(done.state).toBe('completed');
      return done.output;
    };
    clock.set('2027-04-01T00:00:00Z'); // 59 days on: nothing is old enough
    // (Emails and deliveries are stamped by the database's clock, months before this test's: not counted.)
    expect(await run()).toMatchObject({ usage_rows_deleted: 0, seats_archived: 0 });

    // A webhook delivery that was delivered (now, in wall-clock time: months before the clock's now).
    const endpoint = await world.server.request('POST', '/api/v1/webhook-endpoints', {
      token: owner,
      body: { url: 'http://127.0.0.1:9/retention', event_types: ['webhook_endpoint.test'] },
    });
    await sql`
      insert into webhook_deliveries (account_id, endpoint_id, event_id, event_type, status, delivered_at)
      select account_id, ${endpoint.body.id}, id, type, 'delivered', now() from events
      where subject_id = ${endpoint.body.id} and type = 'webhook_endpoint.created'`;

    clock.set('2027-05-03T00:00:00Z'); // 91 days on
    const output = await run();
    expect(output?.seats_archived).toBe(1);
    expect(output?.deliveries_deleted).toBe(1);
    expect(output?.usage_rows_deleted).toBeGreaterThan(0);
    expect(await usageOf()).toBe(0);
    expect(await hourlyOf()).toBe(hourly); // the time series keep their sums
    const [archived] = await sql<{ id: string; device_id: string; status: string; archived_at: Date }[]>`
      select id, device_id, status, archived_at from activations_archive where license_id = ${license.id}`;
    expect(archived).toMatchObject({
      id: seat.body.activation_id,
      device_id: 'retained-device',
      status: 'deactivated',
    });
    const devices = await world.server.request('GET', `/api/v1/licenses/${license.id}/activations`, {
      token: owner,
    });
    expect(devices.body.data).toEqual([]);
    // Retention never touches the event log (the runs' own events aside, it has none: count unchanged
    // but for the endpoint's creation).
    expect(await eventsOf()).toBe(before + 1);
    expect(await run()).toMatchObject({ usage_rows_deleted: 0, seats_archived: 0, deliveries_deleted: 0 });
  });
});
