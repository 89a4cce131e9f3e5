import { LicenseError } from '@keyward/sdk';
import { nodeDeviceInfo } from '@keyward/sdk/node';
import { describe, expect, it } from 'vitest';
import { sweepLapsedLeases } from '../../src/activations/service.js';
import { LICENSE_OUTCOMES } from '../../src/licenses/decision.js';
import { issueLicense } from '../support/fixtures.js';
import { useSdkWorld } from './sdk-world.js';

// Issue H in the SDK: floating leases (checkout, automatic renewal, checkin), named users, cores, and
// the server's outcome codes as typed errors.
const w = useSdkWorld();

const floating = (max: number) =>
  issueLicense(w.server, w.account, {}, { license_type: 'concurrent', max_activations: max });

describe('the SDK and license policies', () => {
  it('floating: checkout takes a lease, checkin gives it back, a released lease is announced', async () => {
    const license = await floating(2);
    const a = w.client('lease-a').client;
    const b = w.client('lease-b').client;
    const c = w.client('lease-c').client;
    await a.checkout(license.key);
    await b.checkout(license.key);
    const full = await c.checkout(license.key).catch((e) => e);
    expect(full).toBeInstanceOf(LicenseError);
    expect(full.code).toBe('ACTIVATION_LIMIT_REACHED');
    await a.checkin();
    expect((await c.checkout(license.key)).valid).toBe(true);

    // b's machine sleeps past the 15-minute window (no renewals): the server releases its lease.
    w.clock.set(new Date(w.clock.now().getTime() + 16 * 60_000));
    await sweepLapsedLeases(w.server.ctx);
    const lost: string[] = [];
    b.on('lease.lost', (e) => lost.push(e.code));
    const beat = await b.heartbeat().catch((e) => e);
    expect(beat).toBeInstanceOf(LicenseError);
    expect(beat.code).toBe('LEASE_EXPIRED');
    expect(lost).toEqual(['LEASE_EXPIRED']);
    for (const client of [b, c]) await client.checkin().catch(() => {});
  });

  it('renews the lease by itself before it lapses', async () => {
    const license = await floating(1);
    // The app's clock runs 6 s short of the lease's end, so its first renewal is due at the 5 s floor.
    const skew = 15 * 60_000 - 6_000;
    const { client } = w.client('lease-auto', { now: () => new Date(w.clock.now().getTime() + skew) });
    const renewed = new Promise<Date>((resolve) => client.on('lease.renewed', (e) => resolve(e.expiresAt)));
    await client.checkout(license.key);
    expect((await renewed).getTime()).toBeGreaterThan(w.clock.now().getTime() + skew);
    await client.checkin();
  }, 15_000);

  it('named users activate with their user; cores are reported for per-core licenses', async () => {
    const named = await issueLicense(
      w.server,
      w.account,
      {},
      { license_type: 'named_user', max_activations: 1 },
    );
    await w.server.request('POST', `/api/v1/licenses/${named.id}/users`, {
      token: await w.account.token('owner'),
      body: { user: 'dana@example.com' },
    });
    const { client } = w.client('named-1');
    const unnamed = await client.activate(named.key).catch((e) => e);
    expect(unnamed.code).toBe('MISSING_FIELD');
    const stranger = await client.activate(named.key, { user: 'eve@example.com' }).catch((e) => e);
    expect(stranger).toBeInstanceOf(LicenseError);
    expect(stranger.code).toBe('LICENSE_USER_NOT_ASSIGNED');
    expect((await client.activate(named.key, { user: 'dana@example.com' })).valid).toBe(true);

    const cores = nodeDeviceInfo().cpu_cores;
    const perCore = await issueLicense(
      w.server,
      w.account,
      {},
      { license_model: 'per_core', max_activations: 64 },
    );
    const { client: machine } = w.client('cores-1', { deviceInfo: nodeDeviceInfo() });
    await machine.activate(perCore.key);
    const seats = await w.server.ctx.db.sql<{ seats: number }[]>`
      select seats from activations where license_id = ${perCore.id} and status = 'active'`;
    expect(seats).toEqual([{ seats: cores }]);
  });

  it("raises every license outcome of the server as a LicenseError with the server's code", async () => {
    const { errorForCode } = await import('@keyward/sdk');
    for (const code of LICENSE_OUTCOMES.filter((c) => c !== 'VALID'))
      expect(errorForCode(code, 'x'), code).toBeInstanceOf(LicenseError);
  });
});
