import { EmergencyCodeError, MemoryStorage, OfflineGraceExpiredError } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../support/fixtures.js';
import { createTestAccount } from '../support/server.js';
import { useSdkWorld } from './sdk-world.js';

/** Emergency codes, the integrity check and suspicious-activity reports, through the SDK and the API. */
const w = useSdkWorld();

const copiedStorage = new MemoryStorage();

async function offlinePastGrace(deviceId: string) {
  const license = await issueLicense(w.server, w.account);
  const device = w.client(deviceId, { storage: copiedStorage });
  const activated = await device.client.activate(license.key);
  device.network.down = true;
  w.clock.advanceDays(10);
  expect(await device.client.validate().catch((e) => e)).toBeInstanceOf(OfflineGraceExpiredError);
  return { license, ...device, activationId: activated.activationId! };
}

async function issueCode(activationId: string, role: 'support' | 'read_only' = 'support') {
  return w.server.request('POST', `/api/v1/activations/${activationId}/emergency-codes`, {
    token: await w.account.token(role),
    body: { reason: 'customer site offline' },
  });
}

describe('emergency codes', () => {
  it('unlock once, only on their device, and not after 24 h', async () => {
    const { client, network, activationId, license } = await offlinePastGrace('emg-dev-1');
    const issued = await issueCode(activationId);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.code).toMatch(/^[0-9A-Z]{6}(-[0-9A-Z]{6}){5}$/);
    expect(new Date(issued.body.expires_at).getTime() - w.clock.now().getTime()).toBe(86_400_000);

    // The code is bound to the device: another device's seat on the same license cannot use it, and
    // neither can a machine holding a copy of this device's stored state.
    const other = w.client('emg-dev-1-other');
    await other.client.activate(license.key);
    const stolen = await other.client.unlockWithEmergencyCode(issued.body.code).catch((e) => e);
    expect(stolen).toBeInstanceOf(EmergencyCodeError);
    expect(stolen.code).toBe('EMERGENCY_CODE_INVALID');
    const copy = w.client('emg-dev-1-clone', { storage: copiedStorage });
    expect((await copy.client.unlockWithEmergencyCode(issued.body.code).catch((e) => e)).code).toBe(
      'DEVICE_MISMATCH',
    );

    const unlocked = await client.unlockWithEmergencyCode(issued.body.code.toLowerCase());
    expect(unlocked).toMatchObject({ valid: true, source: 'emergency', licenseId: license.id });
    expect((await client.validate()).source).toBe('emergency');
    const again = await client.unlockWithEmergencyCode(issued.body.code).catch((e) => e);
    expect(again.code).toBe('EMERGENCY_CODE_USED');

    // The unlock ends with the code's 24 h.
    w.clock.advanceDays(1.01);
    expect(await client.validate().catch((e) => e)).toBeInstanceOf(OfflineGraceExpiredError);

    // Back online, the SDK tells the server the code was used.
    network.down = false;
    await client.validate();
    const list = await w.server.request('GET', `/api/v1/licenses/${license.id}/emergency-codes`, {
      token: await w.account.token('read_only'),
    });
    expect(list.body.data[0]).toMatchObject({ slot: 0, activation_id: activationId });
    expect(list.body.data[0].redeemed_at).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(issued.body.code);
  });

  it('a code entered after its 24 h is refused; a mistyped code is refused', async () => {
    const { client, activationId } = await offlinePastGrace('emg-dev-2');
    const issued = await issueCode(activationId);
    w.clock.advanceDays(1.01);
    const late = await client.unlockWithEmergencyCode(issued.body.code).catch((e) => e);
    expect(late.code).toBe('EMERGENCY_CODE_EXPIRED');
    const typo = `${issued.body.code.slice(0, -1)}${issued.body.code.endsWith('0') ? '1' : '0'}`;
    expect((await client.unlockWithEmergencyCode(typo).catch((e) => e)).code).toBe('EMERGENCY_CODE_INVALID');
    expect((await client.unlockWithEmergencyCode('hello').catch((e) => e)).code).toBe(
      'EMERGENCY_CODE_INVALID',
    );
  });

  it('staff: eight codes per seat, role-checked, account-scoped', async () => {
    const license = await issueLicense(w.server, w.account);
    const act = await w.client('emg-dev-3').client.activate(license.key);
    expect((await issueCode(act.activationId!, 'read_only')).status).toBe(403);
    const stranger = await createTestAccount(w.server);
    const foreign = await w.server.request(
      'POST',
      `/api/v1/activations/${act.activationId}/emergency-codes`,
      {
        token: await stranger.token('owner'),
      },
    );
    expect(foreign.status).toBe(404);
    const codes = new Set<string>();
    for (let i = 0; i < 8; i++) codes.add((await issueCode(act.activationId!)).body.code);
    expect(codes.size).toBe(8);
    const ninth = await issueCode(act.activationId!);
    expect(ninth.status).toBe(409);
    expect(ninth.body.error.message).toMatch(/All 8 emergency codes/);
  });
});

describe('integrity check and reports', () => {
  it('says whether a token is genuine, for which license, and whether it is usable now', async () => {
    const license = await issueLicense(w.server, w.account);
    const res = await w.server.request('POST', '/api/v1/licensing/activate', {
      body: { license_key: license.key, device_fingerprint: 'fp', device_info: { device_id: 'int-dev-1' } },
    });
    const token = res.body.signed_token as string;
    const check = (body: unknown) => w.server.request('POST', '/api/v1/licensing/integrity-check', { body });
    expect((await check({ token })).body).toMatchObject({
      genuine: true,
      valid: true,
      kind: 'token',
      code: 'VALID',
      license_id: license.id,
      activation_id: res.body.activation_id,
    });
    const [h, p, s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), tier: 'enterprise' })).toString('base64url')}.${s}`;
    expect((await check({ token: forged })).body).toMatchObject({
      genuine: false,
      valid: false,
      code: 'SIGNATURE_INVALID',
    });
    expect((await check({ license_file: 'garbage' })).body).toMatchObject({
      genuine: false,
      code: 'MALFORMED',
    });
    expect((await check({ token, license_file: 'x' })).status).toBe(422);
    expect((await check({})).status).toBe(422);
    w.clock.advanceDays(31);
    expect((await check({ token })).body).toMatchObject({
      genuine: true,
      valid: false,
      code: 'TOKEN_EXPIRED',
      license_id: license.id,
    });
  });

  it('a suspicious-activity report becomes an event; staff block the device from it', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client } = w.client('rep-dev-1');
    const act = await client.activate(license.key);
    await client.reportSuspiciousActivity('debugger_detected', { tool: 'x64dbg' });
    const owner = await w.account.token('owner');
    const events = await w.server.request(
      'GET',
      '/api/v1/events?type=security.suspicious_activity&limit=100',
      { token: owner },
    );
    const report = events.body.data.find(
      (e: { data: { device_id: string } }) => e.data.device_id === 'rep-dev-1',
    );
    expect(report).toMatchObject({
      subject_type: 'activation',
      subject_id: act.activationId,
      data: { kind: 'debugger_detected', details: { tool: 'x64dbg' } },
    });
    const block = await w.server.request('POST', `/api/v1/activations/${report.subject_id}/block`, {
      token: owner,
      body: { reason: 'debugger' },
    });
    expect(block.status).toBe(200);
    const err = await client.validate().catch((e) => e);
    expect(err.code).toBe('DEVICE_BLOCKED');
    expect((await client.activate(license.key).catch((e) => e)).code).toBe('DEVICE_BLOCKED');
    const bad = await w.server.request('POST', '/api/v1/licensing/report', {
      body: { license_key: license.key, device_id: 'rep-dev-1', kind: 'made_up' },
    });
    expect(bad.status).toBe(422);
  });
});
