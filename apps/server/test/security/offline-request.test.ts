import { describe, expect, it } from 'vitest';
import { issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue N, half-written state: an offline activation request is checked with the online device_info
// rules before anything is written, so a bad one is a 422 that leaves no seat and no event behind.

const world = useServer();

describe('an offline activation request with bad device details', () => {
  it('is a 422 naming the field, and takes no seat', async () => {
    const license = await issueLicense(world.server, world.account);
    const owner = await world.account.token('owner');
    const request = (device_info: Record<string, unknown>) => ({
      license_key: license.key,
      fingerprint: 'fp-offline-bad',
      nonce: 'abcdefgh12',
      created_at: new Date().toISOString(),
      device_info,
    });
    for (const [info, field] of [
      [{ device_id: 123 }, 'device_info.device_id'],
      [{ cpu_cores: 'many' }, 'device_info.cpu_cores'],
      [{ platform: 'x'.repeat(51) }, 'device_info.platform'],
    ] as const) {
      const res = await world.server.request('POST', '/api/v1/licensing/offline/activate', {
        body: { request: request(info) },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.code).toBe('OFFLINE_REQUEST_INVALID');
      expect(res.body.error.message).toContain(field);
    }
    const seats = await world.server.request('GET', `/api/v1/licenses/${license.id}/activations`, {
      token: owner,
    });
    expect(seats.body.data).toHaveLength(0);
    const events = await world.server.request('GET', '/api/v1/events?type=activation.*', {
      token: owner,
    });
    expect(events.body.data).toHaveLength(0);
  });
});

describe('an offline activation request is used once', () => {
  const submit = (request: unknown) =>
    world.server.request('POST', '/api/v1/licensing/offline/activate', { body: { request } });

  it('refuses the same request (nonce) a second time, on any route', async () => {
    const license = await issueLicense(world.server, world.account);
    const request = {
      license_key: license.key,
      fingerprint: 'fp-offline-once',
      nonce: 'once-nonce-0001',
      created_at: new Date().toISOString(),
      device_info: { device_id: 'offline-once' },
    };
    expect((await submit(request)).status).toBe(200);
    const replay = await submit(request);
    expect(replay.status).toBe(422);
    expect(replay.body.error).toMatchObject({ code: 'OFFLINE_REQUEST_INVALID', details: { field: 'nonce' } });
    const byStaff = await world.server.request('POST', '/api/v1/offline/activate', {
      token: await world.account.token('owner'),
      body: { request },
    });
    expect(byStaff.body.error?.code).toBe('OFFLINE_REQUEST_INVALID');
    // A new request from the same machine (a new nonce) gets its file.
    expect((await submit({ ...request, nonce: 'once-nonce-0002' })).status).toBe(200);
  });

  it('lets a request that made no file be submitted again', async () => {
    const license = await issueLicense(world.server, world.account, { max_activations: 1 });
    const owner = await world.account.token('owner');
    const first = await submit({
      license_key: license.key,
      fingerprint: 'fp-first',
      nonce: 'first-nonce-01',
      created_at: new Date().toISOString(),
      device_info: { device_id: 'first-machine' },
    });
    expect(first.status).toBe(200);
    const request = {
      license_key: license.key,
      fingerprint: 'fp-second',
      nonce: 'second-nonce-1',
      created_at: new Date().toISOString(),
      device_info: { device_id: 'second-machine' },
    };
    expect((await submit(request)).body.error.code).toBe('ACTIVATION_LIMIT_REACHED');
    await world.server.request('POST', `/api/v1/activations/${first.body.activation_id}/deactivate`, {
      token: owner,
      body: {},
    });
    expect((await submit(request)).status).toBe(200);
  });
});
