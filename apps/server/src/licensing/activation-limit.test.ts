import { describe, expect, inject, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';

// On PostgreSQL two servers (own pools, own caches) share the database, as two processes would.
// The embedded engine takes one connection, so there both halves go to one server.
const twoServers = inject('databaseKind') === 'postgres';
const world = useServer({ servers: twoServers ? 2 : 1 });

async function storm(key: string, devices: string[]) {
  return Promise.all(devices.map((d, i) => activate(world.servers[i % world.servers.length]!, key, d)));
}

describe('activation limit under concurrency', () => {
  for (const limit of [1, 5]) {
    it(`50 parallel distinct devices on a license allowing ${limit}: exactly ${limit} succeed`, async () => {
      const license = await issueLicense(world.server, world.account, { max_activations: limit });
      const results = await storm(
        license.key,
        Array.from({ length: 50 }, (_, i) => `storm-${limit}-${i}`),
      );
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      expect(ok).toHaveLength(limit);
      expect(refused).toHaveLength(50 - limit);
      for (const r of refused) {
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('ACTIVATION_LIMIT_REACHED');
      }
      const [row] = await world.server.ctx.db
        .sql`select count(*)::int as n from activations where license_id = ${license.id} and status = 'active'`;
      expect(row!.n).toBe(limit);
    });
  }

  it('the same device sent 10 times at once yields one seat, and every caller gets it', async () => {
    const license = await issueLicense(world.server, world.account, { max_activations: 5 });
    const results = await storm(
      license.key,
      Array.from({ length: 10 }, () => 'same-device'),
    );
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(new Set(results.map((r) => r.body.activation_id)).size).toBe(1);
    const [row] = await world.server.ctx.db
      .sql`select count(*)::int as n from activations where license_id = ${license.id}`;
    expect(row!.n).toBe(1);
  });

  it('the live-seat counter follows every path that takes or frees a seat', async () => {
    const server = world.server;
    const owner = await world.account.token('owner');
    const license = await issueLicense(server, world.account, { max_activations: 3 });
    const seats = async () => {
      const [row] = await server.ctx.db.sql<{ counter: number; live: number }[]>`
        select l.active_seats as counter,
          (select count(*)::int from activations a where a.license_id = l.id and a.status = 'active') as live
        from licenses l where l.id = ${license.id}`;
      expect(row!.counter).toBe(row!.live);
      return row!.counter;
    };
    const [a, b, c] = [
      await activate(server, license.key, 'ctr-a'),
      await activate(server, license.key, 'ctr-b'),
      await activate(server, license.key, 'ctr-c'),
    ];
    expect(a.body.activations_used).toBe(1);
    expect(c.body.activations_used).toBe(3);
    expect((await activate(server, license.key, 'ctr-a')).body.activations_used).toBe(3); // the same seat again
    expect(await seats()).toBe(3);
    expect((await activate(server, license.key, 'ctr-d')).body.error.code).toBe('ACTIVATION_LIMIT_REACHED');

    await server.request('POST', '/api/v1/licensing/deactivate', {
      body: { token: a.body.signed_token, device_id: 'ctr-a' },
    });
    expect(await seats()).toBe(2);
    await server.request('POST', `/api/v1/activations/${b.body.activation_id}/deactivate`, {
      token: owner,
      body: { reason: 'laptop replaced' },
    });
    expect(await seats()).toBe(1);
    await server.request('POST', `/api/v1/activations/${c.body.activation_id}/block`, {
      token: owner,
      body: { reason: 'abuse' },
    });
    expect(await seats()).toBe(0);

    for (const d of ['ctr-e', 'ctr-f', 'ctr-g'])
      expect((await activate(server, license.key, d)).status).toBe(200);
    expect((await activate(server, license.key, 'ctr-h')).body.error.code).toBe('ACTIVATION_LIMIT_REACHED');
    expect(await seats()).toBe(3);
    await server.request('POST', `/api/v1/licenses/${license.id}/revoke`, {
      token: owner,
      body: { reason: 'refund' },
    });
    expect(await seats()).toBe(0);
  });

  it('a suspension on one server is seen by validation on the other at once', async () => {
    const license = await issueLicense(world.server, world.account);
    const a = await activate(world.server, license.key, 'cross-proc');
    const other = world.servers[world.servers.length - 1]!;
    const body = { token: a.body.signed_token, device_id: 'cross-proc' };
    expect((await other.request('POST', '/api/v1/licensing/validate', { body })).body.valid).toBe(true); // now cached there
    await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: await world.account.token('owner'),
      body: { reason: 'chargeback' },
    });
    await expect
      .poll(async () => (await other.request('POST', '/api/v1/licensing/validate', { body })).body.code, {
        timeout: 2000,
        interval: 50,
      })
      .toBe('LICENSE_SUSPENDED');
  });
});
