import {
  ClockTamperError,
  KeywardError,
  LicenseError,
  MemoryStorage,
  OfflineGraceExpiredError,
  verifyLicenseFile,
  verifyLicenseToken,
} from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../support/fixtures.js';
import { useSdkWorld } from './sdk-world.js';

/** The SDK against a real server: online, then offline with the cached signed token, then too long offline. */
const w = useSdkWorld();

describe('SDK client', () => {
  it('activate → validate → server unreachable → offline within grace → past grace fails clearly', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client, network } = w.client('sdk-dev-1');
    const events: string[] = [];
    client.on('offline', () => events.push('offline'));
    client.on('online', () => events.push('online'));

    const activated = await client.activate(license.key);
    expect(activated).toMatchObject({ valid: true, source: 'online', tier: license.plan_code });
    const online = await client.validate();
    expect(online.source).toBe('online');
    expect(client.isFeatureEnabled('advanced_reporting')).toBe(true);
    expect(client.isFeatureEnabled('not_a_feature')).toBe(false);

    network.down = true;
    w.clock.advanceDays(3);
    const offline = await client.validate();
    expect(offline).toMatchObject({ valid: true, source: 'offline', tier: license.plan_code });
    expect(offline.offlineUntil?.toISOString()).toBe(
      new Date(online.checkedAt.getTime() + 7 * 86_400_000).toISOString(),
    );
    expect(events).toEqual(['offline']);

    w.clock.advanceDays(5); // 8 days since the last online check; grace is 7
    const err = await client.validate().catch((e) => e);
    expect(err).toBeInstanceOf(OfflineGraceExpiredError);
    expect(err.code).toBe('OFFLINE_GRACE_EXPIRED');
    expect(err.message).toMatch(/Connect to the internet/);

    network.down = false; // back online: works again, and the grace restarts
    expect((await client.validate()).source).toBe('online');
    expect(events).toEqual(['offline', 'online']);
  });

  it('a suspended license fails online at once with a typed error; a revoked one too', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client } = w.client('sdk-dev-2');
    await client.activate(license.key);
    const owner = await w.account.token('owner');
    const seen: string[] = [];
    client.on('license.suspended', (e) => seen.push(e.code));
    expect(
      (
        await w.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
          token: owner,
          body: { reason: 'chargeback' },
        })
      ).status,
    ).toBe(200);
    const err = await client.validate().catch((e) => e);
    expect(err).toBeInstanceOf(LicenseError);
    expect(err.code).toBe('LICENSE_SUSPENDED');
    expect(err.message).toMatch(/chargeback/);
    expect(seen).toEqual(['LICENSE_SUSPENDED']);
    expect(
      (
        await w.server.request('POST', `/api/v1/licenses/${license.id}/revoke`, {
          token: owner,
          body: { reason: 'fraud' },
        })
      ).status,
    ).toBe(200);
    expect((await client.validate().catch((e) => e)).code).toBe('LICENSE_REVOKED');
  });

  it('typed errors for activation refusals: unknown key, limit reached', async () => {
    const { client } = w.client('sdk-dev-3');
    const unknown = await client.activate('KW-0000-0000-0000-0000-0000').catch((e) => e);
    expect(unknown).toBeInstanceOf(LicenseError);
    expect(unknown.code).toBe('LICENSE_NOT_FOUND');
    const license = await issueLicense(w.server, w.account, { max_activations: 1 });
    await w.client('sdk-dev-4').client.activate(license.key);
    const full = await client.activate(license.key).catch((e) => e);
    expect(full.code).toBe('ACTIVATION_LIMIT_REACHED');
    expect(full.status).toBe(403);
    const never = await w
      .client('sdk-dev-5')
      .client.validate()
      .catch((e) => e);
    expect(never).toBeInstanceOf(KeywardError);
    expect(never.code).toBe('NOT_ACTIVATED');
  });

  it('detects the clock being set back, and reports it to the vendor', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client, network } = w.client('sdk-dev-6');
    await client.activate(license.key);
    await client.validate();
    network.down = true;
    w.clock.advanceDays(-2);
    const err = await client.validate().catch((e) => e);
    expect(err).toBeInstanceOf(ClockTamperError);
    expect(err.code).toBe('CLOCK_TAMPER');
    w.clock.advanceDays(2);
    network.down = false;
    await client.validate(); // flushes the queued report
    const owner = await w.account.token('owner');
    const events = await w.server.request(
      'GET',
      '/api/v1/events?type=security.suspicious_activity&limit=50',
      { token: owner },
    );
    expect(
      events.body.data.some(
        (e: { data: { kind: string; device_id: string } }) =>
          e.data.kind === 'clock_tamper' && e.data.device_id === 'sdk-dev-6',
      ),
    ).toBe(true);
  });

  it('heartbeat keeps the seat alive; deactivate frees it; usage percentages come from the server', async () => {
    const license = await issueLicense(w.server, w.account, { max_activations: 1 });
    const { client } = w.client('sdk-dev-7');
    await client.activate(license.key);
    await client.heartbeat({ documents_open: 3 });
    const stop = client.startHeartbeat({ intervalMs: 60_000 });
    stop();
    const usage = await client.refreshUsage();
    expect(Array.isArray(usage)).toBe(true);
    for (const line of usage) expect(client.getUsagePercentage(line.name)).toBe(line.percentage);
    expect(client.getUsagePercentage('no_such_limit')).toBeNull();
    await client.deactivate();
    expect(await client.isActivated()).toBe(false);
    // The seat is free: another device may take it.
    await w.client('sdk-dev-8').client.activate(license.key);
  });

  it('offline activation end to end: request → portal/staff submit → install → validate offline', async () => {
    const license = await issueLicense(w.server, w.account);
    const jwks = (await w.server.request('GET', `/.well-known/jwks.json?account=${w.account.accountId}`))
      .body;
    const storage = new MemoryStorage();
    const { client } = w.client('air-gapped-1', { jwks, storage });
    const request = await client.createActivationRequest(license.key);
    expect(request).toMatch(/^-----BEGIN KEYWARD ACTIVATION REQUEST-----\n/);
    const res = await w.server.request('POST', '/api/v1/offline/activate', {
      token: await w.account.token('support'),
      body: { request },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const state = await client.installLicenseFile(res.body.license_file, license.key);
    expect(state).toMatchObject({ valid: true, source: 'license_file', tier: license.plan_code });
    expect((await client.validate()).source).toBe('license_file'); // no server involved
    const seat = await w.server.request('GET', `/api/v1/activations/${res.body.activation_id}`, {
      token: await w.account.token('owner'),
    });
    expect(seat.body).toMatchObject({
      activation_type: 'offline',
      device_id: 'air-gapped-1',
      status: 'active',
    });
    // The same file on another machine is refused.
    const other = w.client('air-gapped-2', { jwks }).client;
    expect((await other.installLicenseFile(res.body.license_file, license.key).catch((e) => e)).code).toBe(
      'DEVICE_MISMATCH',
    );
    expect((await verifyLicenseFile(res.body.license_file, { jwks, now: w.clock.now() })).license.id).toBe(
      license.id,
    );
  });
});

describe('verifyLicenseToken (offline)', () => {
  it('accepts a genuine token and rejects alg swaps, unknown keys, other audiences, expiry and the future', async () => {
    const license = await issueLicense(w.server, w.account);
    const act = await w.server.request('POST', '/api/v1/licensing/activate', {
      body: { license_key: license.key, device_fingerprint: 'fp', device_info: { device_id: 'tok-dev-1' } },
    });
    const token = act.body.signed_token as string;
    const jwks = (await w.server.request('GET', `/.well-known/jwks.json?account=${w.account.accountId}`))
      .body;
    const now = w.clock.now();
    const claims = await verifyLicenseToken(token, { jwks, now, issuer: w.server.ctx.config.publicUrl });
    expect(claims).toMatchObject({ license_id: license.id, device_id: 'tok-dev-1', aud: 'keyward:license' });
    expect(claims.emc).toHaveLength(8);

    const [h, p, s] = token.split('.') as [string, string, string];
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const body = JSON.parse(Buffer.from(p, 'base64url').toString());
    const code = (t: string, at = now) => verifyLicenseToken(t, { jwks, now: at }).catch((e) => e.code);
    expect(await code(`${enc({ ...header, alg: 'none' })}.${p}.`)).toBe('UNSUPPORTED_ALG');
    expect(await code(`${enc({ ...header, alg: 'RS256' })}.${p}.${s}`)).toBe('UNSUPPORTED_ALG');
    expect(await code(`${enc({ ...header, kid: 'nope' })}.${p}.${s}`)).toBe('KEY_UNKNOWN');
    expect(await code(`${h}.${enc({ ...body, tier: 'enterprise' })}.${s}`)).toBe('TOKEN_INVALID');
    // One signature character changed in the middle (the last ones carry padding bits).
    const mid = s.length >> 1;
    const flipped = `${s.slice(0, mid)}${s[mid] === 'A' ? 'B' : 'A'}${s.slice(mid + 1)}`;
    expect(await code(`${h}.${p}.${flipped}`)).toBe('TOKEN_INVALID');
    expect(await code('a.b')).toBe('TOKEN_INVALID');
    expect(await code(token, new Date(body.exp * 1000 + 1000))).toBe('TOKEN_EXPIRED');
    expect(await code(token, new Date(body.iat * 1000 - 3_600_000))).toBe('CLOCK_TAMPER');
    const other = await verifyLicenseToken(token, { jwks, now, issuer: 'https://elsewhere.example' }).catch(
      (e) => e,
    );
    expect(other.code).toBe('TOKEN_INVALID');
  });
});
