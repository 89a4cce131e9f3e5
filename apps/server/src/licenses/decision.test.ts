import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { effectivePolicy, type PolicyOverrides } from '../policies/policy.js';
import { decideLicense, type SeatFacts } from './decision.js';
import type { LicenseWithPlan } from './repository.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;

function license(over: Partial<LicenseWithPlan> & { policy?: PolicyOverrides } = {}): LicenseWithPlan {
  const base = {
    status: 'active',
    status_reason: null,
    license_type: 'subscription',
    license_model: 'per_device',
    starts_at: new Date(NOW.getTime() - 100 * DAY),
    expires_at: new Date(NOW.getTime() + 10 * DAY),
    maintenance_expires_at: null,
    grace_period_days: 7,
    trial_ends_at: null,
    restrictions: [],
    policy: {},
    ...over,
  } as unknown as LicenseWithPlan;
  base.effective_policy = effectivePolicy(base.license_type, base.license_model, base.policy);
  return base;
}
const seat = (over: Partial<SeatFacts> = {}): SeatFacts => ({
  status: 'active',
  platform: 'mac',
  app_version: '2.0.0',
  hostname: null,
  metadata: {},
  ...over,
});
const expired = { expires_at: new Date(NOW.getTime() - 30 * DAY) };

describe('the license decision (one ordered chain, fixed clock)', () => {
  it('checks the device first, then state, dates, seat and restrictions, in that order', () => {
    const revoked = license({
      status: 'revoked',
      restrictions: [{ type: 'platform', values: ['win'], operator: 'allow' }],
    });
    expect(decideLicense({ license: revoked, seat: seat(), blocked: true, now: NOW }).code).toBe(
      'DEVICE_BLOCKED',
    );
    expect(decideLicense({ license: revoked, seat: seat(), now: NOW }).code).toBe('LICENSE_REVOKED');
    expect(
      decideLicense({ license: license({ status: 'suspended', status_reason: 'unpaid' }), now: NOW }),
    ).toEqual({
      valid: false,
      code: 'LICENSE_SUSPENDED',
      reason: 'This license is suspended: unpaid',
    });
    expect(decideLicense({ license: license({ status: 'pending' }), now: NOW }).code).toBe(
      'LICENSE_INACTIVE',
    );
    expect(
      decideLicense({ license: license({ starts_at: new Date(NOW.getTime() + DAY) }), now: NOW }).code,
    ).toBe('LICENSE_INACTIVE');
    expect(
      decideLicense({ license: license(expired), seat: seat({ status: 'deactivated' }), now: NOW }).code,
    ).toBe('LICENSE_EXPIRED');
    expect(decideLicense({ license: license(), seat: seat({ status: 'deactivated' }), now: NOW }).code).toBe(
      'DEVICE_NOT_ACTIVATED',
    );
    const winOnly = license({ restrictions: [{ type: 'platform', values: ['win'], operator: 'allow' }] });
    expect(decideLicense({ license: winOnly, seat: seat(), request: {}, now: NOW })).toMatchObject({
      code: 'RESTRICTION_VIOLATION',
      detail: { restriction: 'platform' },
    });
    // Without a request (a server-to-server check) there is no caller to restrict.
    expect(decideLicense({ license: winOnly, now: NOW }).code).toBe('VALID');
  });

  it('expires after the grace period, not before', () => {
    const inGrace = license({ expires_at: new Date(NOW.getTime() - 3 * DAY) });
    expect(decideLicense({ license: inGrace, now: NOW }).valid).toBe(true);
    expect(decideLicense({ license: license(expired), now: NOW }).code).toBe('LICENSE_EXPIRED');
  });

  it('maintenance: builds released before expiry keep working, later ones get MAINTENANCE_EXPIRED', () => {
    const perpetual = license({ license_type: 'perpetual', ...expired });
    expect(perpetual.effective_policy.expiration_strategy).toBe('maintain_access');
    const old = decideLicense({ license: perpetual, request: { build_date: '2026-04-01' }, now: NOW });
    expect(old.valid).toBe(true);
    expect(
      decideLicense({ license: perpetual, request: { build_date: '2026-06-01' }, now: NOW }),
    ).toMatchObject({
      valid: false,
      code: 'MAINTENANCE_EXPIRED',
      detail: { build_date: '2026-06-01' },
    });
    // The build date the seat's app reported at activation counts the same.
    expect(
      decideLicense({ license: perpetual, seat: seat({ metadata: { build_date: '2026-04-01' } }), now: NOW })
        .valid,
    ).toBe(true);
    // A build that does not say when it was released is not covered once maintenance ended.
    expect(decideLicense({ license: perpetual, now: NOW }).code).toBe('MAINTENANCE_EXPIRED');
    // A separate maintenance window refuses newer builds while the license itself is current.
    const windowed = license({ maintenance_expires_at: new Date(NOW.getTime() - DAY) });
    expect(decideLicense({ license: windowed, request: { build_date: '2026-06-15' }, now: NOW }).code).toBe(
      'MAINTENANCE_EXPIRED',
    );
    expect(decideLicense({ license: windowed, request: { build_date: '2026-06-01' }, now: NOW }).valid).toBe(
      true,
    );
  });

  it('allow_access keeps an expired term working unless staff expired the license', () => {
    const allow = { policy: { expiration_strategy: 'allow_access' as const }, ...expired };
    expect(decideLicense({ license: license(allow), now: NOW }).valid).toBe(true);
    expect(decideLicense({ license: license({ ...allow, status: 'expired' }), now: NOW }).code).toBe(
      'LICENSE_EXPIRED',
    );
  });
});

describe('days left, on every endpoint', () => {
  const clock = new FixedClock();
  const world = useServer({ clock });

  it('is floor((expires_at - now) / 1 day) in the admin API, validate, status and the portal', async () => {
    clock.set('2026-05-01T00:00:00Z');
    const license = await issueLicense(world.server, world.account, { expires_at: '2026-05-07T12:00:00Z' });
    const seat = await activate(world.server, license.key, 'days-1');
    // 6.5 days left: 6 everywhere (a ceil had said 7 in the portal and the status).
    const admin = await world.server.request('GET', `/api/v1/licenses/${license.id}`, {
      token: await world.account.token('owner'),
    });
    const validate = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token: seat.body.signed_token, device_id: 'days-1' },
    });
    const status = await world.server.request('GET', '/api/v1/licensing/status', {
      headers: { authorization: `Bearer ${seat.body.signed_token}` },
    });
    const portal = await world.server.request('POST', '/api/v1/portal/license-lookup', {
      body: { license_key: license.key },
    });
    expect([
      admin.body.days_remaining,
      validate.body.days_remaining,
      status.body.days_until_expiry,
      portal.body.license.days_until_expiry,
    ]).toEqual([6, 6, 6, 6]);
  });
});
