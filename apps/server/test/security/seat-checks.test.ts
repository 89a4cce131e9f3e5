import { describe, expect, it } from 'vitest';
import { activate, EXPORTS_QUOTA, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue N, checks that skipped the seat: a token outlives its seat, so every client call that takes one
// must check the seat as validate does.

const world = useServer();
const plan = { features: [EXPORTS_QUOTA] };

async function seatWithToken(deviceId: string) {
  const license = await issueLicense(world.server, world.account, {}, plan);
  const activation = await activate(world.server, license.key, deviceId);
  expect(activation.status).toBe(200);
  return { id: activation.body.activation_id as string, token: activation.body.signed_token as string };
}

const usage = (token: string) =>
  world.server.request('POST', '/api/v1/licensing/usage', { body: { token, feature: 'exports', count: 1 } });
const status = (token: string) =>
  world.server.request('GET', '/api/v1/licensing/status', { headers: { authorization: `Bearer ${token}` } });

describe('a token of a seat that ended is refused by usage and status', () => {
  it('after staff deactivate the seat', async () => {
    const seat = await seatWithToken('seat-check-deactivated');
    expect((await usage(seat.token)).body).toMatchObject({ allowed: true, used: 1 });
    expect((await status(seat.token)).status).toBe(200);

    const owner = await world.account.token('owner');
    const off = await world.server.request('POST', `/api/v1/activations/${seat.id}/deactivate`, {
      token: owner,
      body: {},
    });
    expect(off.status).toBe(200);

    const refused = await usage(seat.token);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ allowed: false, code: 'LICENSE_INVALID', used: null });
    const gone = await status(seat.token);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('ACTIVATION_NOT_FOUND');
  });

  it('after staff block the device', async () => {
    const seat = await seatWithToken('seat-check-blocked');
    const owner = await world.account.token('owner');
    const block = await world.server.request('POST', `/api/v1/activations/${seat.id}/block`, {
      token: owner,
      body: { reason: 'shared seat' },
    });
    expect(block.status).toBe(200);

    expect((await usage(seat.token)).body).toMatchObject({ allowed: false, code: 'LICENSE_INVALID' });
    const blocked = await status(seat.token);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('DEVICE_BLOCKED');
  });
});
