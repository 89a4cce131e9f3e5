import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue N, the smaller items: each is the attacker's request and what must come back.

const world = useServer();

describe('caller-supplied request ids', () => {
  it('keeps a well-formed X-Request-Id and replaces an over-long or odd one', async () => {
    const ok = await world.server.request('GET', '/health', { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(ok.headers.get('x-request-id')).toBe('trace-42.a:b');
    for (const bad of ['x'.repeat(129), '<script>alert(1)</script>', 'two words']) {
      const res = await world.server.request('GET', '/health', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('emergency-code redemption reports', () => {
  it('are accepted only for an issued, unredeemed slot', async () => {
    const license = await issueLicense(world.server, world.account);
    const seat = await activate(world.server, license.key, 'redeem-dev');
    const owner = await world.account.token('owner');
    const report = (slot: number) =>
      world.server.request('POST', '/api/v1/licensing/report', {
        body: {
          license_key: license.key,
          device_id: 'redeem-dev',
          kind: 'emergency_code_used',
          emergency_slot: slot,
        },
      });

    const neverIssued = await report(0);
    expect(neverIssued.status).toBe(409);
    expect(neverIssued.body.error.code).toBe('CONFLICT');

    const issued = await world.server.request(
      'POST',
      `/api/v1/activations/${seat.body.activation_id}/emergency-codes`,
      { token: owner, body: {} },
    );
    expect(issued.status).toBe(201);
    expect((await report(issued.body.slot)).status).toBe(202);
    expect((await report(issued.body.slot)).status).toBe(409);

    const redeemed = await world.server.request('GET', '/api/v1/events?type=emergency_code.redeemed', {
      token: owner,
    });
    expect(redeemed.body.data).toHaveLength(1);
  });
});
