import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';

const clock = new FixedClock();
const world = useServer({ clock, demo: true });
let owner: string;

beforeAll(async () => {
  owner = await world.account.token('owner');
});
beforeEach(() => clock.set('2026-01-15T12:00:00Z'));

async function seat(device: string, licenseBody: Record<string, unknown> = {}) {
  const license = await issueLicense(world.server, world.account, licenseBody);
  const res = await activate(world.server, license.key, device);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { license, token: res.body.signed_token as string, activationId: res.body.activation_id as string };
}
const validate = (token: string, device_id: string) =>
  world.server.request('POST', '/api/v1/licensing/validate', { body: { token, device_id } });
const action = (id: string, name: string, body: unknown = {}) =>
  world.server.request('POST', `/api/v1/licenses/${id}/${name}`, { token: owner, body });

describe('every validation outcome is a 200 with its code', () => {
  it('VALID', async () => {
    const s = await seat('o-valid');
    expect((await validate(s.token, 'o-valid')).body).toMatchObject({ valid: true, code: 'VALID' });
  });
  it('TOKEN_INVALID for a flipped byte, alg none and garbage', async () => {
    const s = await seat('o-flip');
    const [h, p, sig] = s.token.split('.');
    const flipped = `${h}.${p}.${sig!.slice(0, 10)}${sig![10] === 'A' ? 'B' : 'A'}${sig!.slice(11)}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    for (const token of [flipped, none, 'not-a-token-at-all']) {
      const res = await validate(token, 'o-flip');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ valid: false, code: 'TOKEN_INVALID' });
    }
  });
  it('TOKEN_EXPIRED after the token lifetime', async () => {
    const s = await seat('o-texp');
    clock.advanceDays(31);
    expect((await validate(s.token, 'o-texp')).body).toMatchObject({ valid: false, code: 'TOKEN_EXPIRED' });
  });
  it('DEVICE_MISMATCH when the token belongs to another device', async () => {
    const s = await seat('o-mine');
    expect((await validate(s.token, 'o-yours')).body).toMatchObject({
      valid: false,
      code: 'DEVICE_MISMATCH',
    });
  });
  it('LICENSE_NOT_FOUND for an unknown key', async () => {
    const res = await world.server.request('POST', '/api/v1/licensing/validate-key', {
      body: { license_key: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ' },
    });
    expect(res.body).toMatchObject({ valid: false, code: 'LICENSE_NOT_FOUND' });
  });
  it('DEVICE_NOT_ACTIVATED after the seat is freed', async () => {
    const s = await seat('o-freed');
    await world.server.request('POST', `/api/v1/activations/${s.activationId}/deactivate`, { token: owner });
    expect((await validate(s.token, 'o-freed')).body).toMatchObject({
      valid: false,
      code: 'DEVICE_NOT_ACTIVATED',
    });
  });
  it('DEVICE_BLOCKED after staff block the device, and it cannot activate again', async () => {
    const s = await seat('o-blocked');
    await world.server.request('POST', `/api/v1/activations/${s.activationId}/block`, {
      token: owner,
      body: { reason: 'piracy' },
    });
    expect((await validate(s.token, 'o-blocked')).body).toMatchObject({
      valid: false,
      code: 'DEVICE_BLOCKED',
    });
    const again = await activate(
      world.server,
      (await issueLicense(world.server, world.account)).key,
      'o-blocked',
    );
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('DEVICE_BLOCKED');
  });
  it('LICENSE_SUSPENDED, then VALID again after reinstate', async () => {
    const s = await seat('o-susp');
    await action(s.license.id, 'suspend', { reason: 'unpaid' });
    expect((await validate(s.token, 'o-susp')).body).toMatchObject({
      valid: false,
      code: 'LICENSE_SUSPENDED',
    });
    await action(s.license.id, 'reinstate');
    expect((await validate(s.token, 'o-susp')).body).toMatchObject({ valid: true, code: 'VALID' });
  });
  it('LICENSE_REVOKED, seats freed, and revoke is final', async () => {
    const s = await seat('o-rev');
    const rev = await action(s.license.id, 'revoke', { reason: 'fraud' });
    expect(rev.body.status).toBe('revoked');
    expect((await validate(s.token, 'o-rev')).body).toMatchObject({ valid: false, code: 'LICENSE_REVOKED' });
    const [row] = await world.server.ctx.db.sql`select status from activations where id = ${s.activationId}`;
    expect(row!.status).toBe('deactivated');
    for (const name of ['reinstate', 'renew', 'suspend', 'revoke']) {
      const res = await action(s.license.id, name, name === 'renew' ? { duration_days: 30 } : {});
      expect(res.status, name).toBe(409);
      expect(res.body.error.code).toBe('INVALID_STATE_TRANSITION');
    }
  });
  it('in grace after expiry (valid, is_in_grace_period), LICENSE_EXPIRED after grace, VALID after renew', async () => {
    const s = await seat('o-exp', { duration_days: 10, grace_period_days: 2 });
    clock.advanceDays(11);
    expect((await validate(s.token, 'o-exp')).body).toMatchObject({
      valid: true,
      code: 'VALID',
      is_in_grace_period: true,
      days_remaining: 0,
    });
    clock.advanceDays(2);
    expect((await validate(s.token, 'o-exp')).body).toMatchObject({ valid: false, code: 'LICENSE_EXPIRED' });
    const renewed = await action(s.license.id, 'renew', { duration_days: 30 });
    expect(renewed.status).toBe(200);
    expect((await validate(s.token, 'o-exp')).body).toMatchObject({
      valid: true,
      code: 'VALID',
      is_in_grace_period: false,
    });
  });
  it('LICENSE_INACTIVE for a pending license; activate makes it usable', async () => {
    const license = await issueLicense(world.server, world.account, { status: 'pending' });
    const refused = await activate(world.server, license.key, 'o-pending');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('LICENSE_INACTIVE');
    const vk = await world.server.request('POST', '/api/v1/licensing/validate-key', {
      body: { license_key: license.key },
    });
    expect(vk.body).toMatchObject({ valid: false, code: 'LICENSE_INACTIVE' });
    await action(license.id, 'activate');
    expect((await activate(world.server, license.key, 'o-pending')).status).toBe(200);
  });
  it('RESTRICTION_VIOLATION at activation and at validation', async () => {
    const restricted = await issueLicense(world.server, world.account, {
      restrictions: [{ type: 'ip_range', values: ['10.0.0.0/8'], operator: 'allow' }],
    });
    const refused = await activate(world.server, restricted.key, 'o-restr');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('RESTRICTION_VIOLATION');
    const s = await seat('o-restr2');
    await world.server.request('PATCH', `/api/v1/licenses/${s.license.id}`, {
      token: owner,
      body: { restrictions: [{ type: 'platform', values: ['mac'], operator: 'deny' }] },
    });
    expect((await validate(s.token, 'o-restr2')).body).toMatchObject({
      valid: false,
      code: 'RESTRICTION_VIOLATION',
    });
  });
  it('ACTIVATION_LIMIT_REACHED, LICENSE_EXPIRED and LICENSE_SUSPENDED refuse activation with 403 codes', async () => {
    const one = await issueLicense(world.server, world.account, { max_activations: 1 });
    await activate(world.server, one.key, 'lim-a');
    const full = await activate(world.server, one.key, 'lim-b');
    expect([full.status, full.body.error.code]).toEqual([403, 'ACTIVATION_LIMIT_REACHED']);
    const short = await issueLicense(world.server, world.account, { duration_days: 1, grace_period_days: 0 });
    await action((await issueLicense(world.server, world.account)).id, 'suspend');
    clock.advanceDays(2);
    const late = await activate(world.server, short.key, 'late');
    expect([late.status, late.body.error.code]).toEqual([403, 'LICENSE_EXPIRED']);
  });
});

describe('license actions', () => {
  it('transfer, change plan (recomputes features), regenerate key (old key stops working)', async () => {
    const s = await seat('o-actions');
    const other = await world.server.request('POST', '/api/v1/customers', {
      token: owner,
      body: { email: 'other@example.com' },
    });
    const moved = await action(s.license.id, 'transfer', { customer_id: other.body.id });
    expect(moved.body.customer_id).toBe(other.body.id);

    const plans = await world.server.request('GET', '/api/v1/plans?limit=100', { token: owner });
    const enterprise = plans.body.data.find((p: { code: string }) => p.code === 'enterprise');
    const changed = await action(s.license.id, 'change-plan', { plan_id: enterprise.id });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.plan_code).toBe('enterprise');
    expect(changed.body.features).toEqual(enterprise.features);
    const val = await validate(s.token, 'o-actions');
    expect(val.body.subscription_tier).toBe('enterprise');

    const regen = await action(s.license.id, 'regenerate-key');
    expect(regen.body.key).not.toBe(s.license.key);
    expect((await activate(world.server, s.license.key, 'o-new')).body.error.code).toBe('LICENSE_NOT_FOUND');
    expect((await activate(world.server, regen.body.key, 'o-new')).status).toBe(200);
  });
  it('keys have 125 random bits in five groups and are never stored in plain text', async () => {
    const license = await issueLicense(world.server, world.account);
    expect(license.key).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
    const [row] = await world.server.ctx.db
      .sql`select key_enc, key_digest from licenses where id = ${license.id}`;
    expect(JSON.stringify(row)).not.toContain(license.key);
    expect(JSON.stringify(row)).not.toContain(license.key.replace(/-/g, ''));
  });
});
