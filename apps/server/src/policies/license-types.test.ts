import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCustomer, createPlan } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { defaultPolicy, LICENSE_MODELS, LICENSE_TYPES, type Policy } from './policy.js';

// docs/license-types.md: every license type × model, what it counts and how it expires. The table there
// is this one; each row is then exercised on a real server with a fixed clock (both engines in CI).
const DOC = new URL('../../../../docs/license-types.md', import.meta.url);

const COUNTS: Record<Policy['seat_unit'], string> = {
  devices: 'devices',
  cpu_sockets: 'CPU sockets of each device',
  cpu_cores: 'CPU cores of each device',
  named_users: 'named users staff assign, each with a few devices',
  leases: 'floating leases (heartbeat renews)',
  none: 'nothing',
};
const EXPIRES: Record<Policy['expiration_strategy'], string> = {
  restrict_access: 'stops validating after grace',
  revoke_access: 'stops validating after grace',
  maintain_access: 'builds released before expiry keep working',
  allow_access: 'keeps validating',
};
const STARTS: Record<Policy['expiration_basis'], string> = {
  from_creation: 'at issue',
  from_first_activation: 'at first activation',
  from_first_validation: 'at first validation',
};

function tableRows() {
  return LICENSE_TYPES.flatMap((type) =>
    LICENSE_MODELS.map((model) => ({ type, model, policy: defaultPolicy(type, model) })),
  );
}

function renderTable(): string {
  const lines = [
    '| type | model | counts | term starts | at expiry | heartbeat | token lifetime |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { type, model, policy: p } of tableRows())
    lines.push(
      `| ${type} | ${model} | ${COUNTS[p.seat_unit]} | ${STARTS[p.expiration_basis]} | ${EXPIRES[p.expiration_strategy]} | ` +
        `${p.heartbeat_required ? `required, every ${p.heartbeat_interval_seconds / 60} min (lease ${p.lease_minutes} min)` : 'optional'} | ${p.token_ttl_days} d |`,
    );
  return lines.join('\n');
}

const clock = new FixedClock();
const world = useServer({ clock });
const DAY = 86_400_000;
const T0 = new Date('2026-03-02T09:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

describe('license types × models (docs/license-types.md)', () => {
  it('the docs table is the defaults table', () => {
    if (process.env.PRINT_TABLE) console.log(renderTable());
    expect(readFileSync(DOC, 'utf8')).toContain(renderTable());
  });

  for (const { type, model, policy } of tableRows()) {
    it(`${type} × ${model}: counts ${policy.seat_unit}, term ${policy.expiration_basis}, expiry ${policy.expiration_strategy}`, async () => {
      clock.set(T0);
      const plan = await createPlan(world.server, world.account, {
        license_type: type,
        license_model: model,
        max_activations: 8,
        duration_days: 30,
        grace_period_days: 0,
      });
      const customer = await createCustomer(world.server, world.account);
      const owner = await world.account.token('owner');
      const issued = await world.server.request('POST', '/api/v1/licenses', {
        token: owner,
        body: { plan_id: plan.id, customer_id: customer.id },
      });
      expect(issued.status, JSON.stringify(issued.body)).toBe(201);
      const startsOnUse = policy.expiration_basis !== 'from_creation';
      expect(issued.body.expires_at).toBe(startsOnUse ? null : at(30).toISOString());
      expect(issued.body.term_days).toBe(startsOnUse ? 30 : null);

      // Named-user seats are users staff assign; the app then activates with `user`.
      const named = policy.seat_unit === 'named_users';
      if (named) {
        const assigned = await world.server.request('POST', `/api/v1/licenses/${issued.body.id}/users`, {
          token: owner,
          body: { user: 'ana@example.com' },
        });
        expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
      }
      const user = named ? { user: 'Ana@example.com' } : {};
      // First use two days later: a 4-core machine with a build from the first of March.
      clock.set(at(2));
      const device = { device_id: `dev-${type}-${model}`, platform: 'linux', app_version: '1.0.0' };
      const seat = await world.server.request('POST', '/api/v1/licensing/activate', {
        body: {
          license_key: issued.body.key,
          device_fingerprint: `fp-${type}-${model}`,
          device_info: { ...device, cpu_cores: 4, build_date: '2026-03-01' },
          ...user,
        },
      });
      expect(seat.status, JSON.stringify(seat.body)).toBe(200);
      const counted = { devices: 1, cpu_sockets: 1, cpu_cores: 4, named_users: 1, leases: 1, none: 0 };
      expect(seat.body.activations_used).toBe(counted[policy.seat_unit]);
      expect(seat.body.lease_expires_at !== null).toBe(policy.seat_unit === 'leases');
      const expiry = startsOnUse ? at(32) : at(30);
      expect(seat.body.expires_at).toBe(expiry.toISOString());

      // After expiry: the seat's build predates it.
      clock.set(new Date(expiry.getTime() + DAY));
      const check = await world.server.request('POST', '/api/v1/licensing/validate-key', {
        body: { license_key: issued.body.key, device_id: device.device_id },
      });
      const kept =
        policy.expiration_strategy === 'maintain_access' || policy.expiration_strategy === 'allow_access';
      expect(check.body).toMatchObject(kept ? { valid: true } : { valid: false, code: 'LICENSE_EXPIRED' });
      if (policy.expiration_strategy === 'maintain_access') {
        // A build released after expiry is refused with its own code.
        const newer = await world.server.request('POST', '/api/v1/licensing/activate', {
          body: {
            license_key: issued.body.key,
            device_fingerprint: `fp2-${type}-${model}`,
            device_info: {
              ...device,
              device_id: `new-${type}-${model}`,
              build_date: new Date(expiry.getTime() + 3_600_000).toISOString(),
            },
            ...user,
          },
        });
        expect(newer.status).toBe(403);
        expect(newer.body.error.code).toBe('MAINTENANCE_EXPIRED');
      }
    });
  }
});
